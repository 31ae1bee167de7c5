## The spreadsheet round trip: headers, drop-downs, errors.

already = Ya registrados
already-intro = Esta confirmación ya se envió: estos cambios ya están registrados y nada se registró dos veces.
too-many = Demasiados cambios a la vez: divida el archivo y súbalo por partes.
link = Trabajar sin conexión con una hoja de cálculo
title = Trabajar sin conexión
intro = Descargue los compromisos e hitos de este país, edítelos en una hoja de cálculo y suba el archivo: verá exactamente qué cambiaría, fila por fila, antes de que se registre nada. Una fila que alguien cambió en el seguimiento después de su descarga se deja como está.
download-xlsx = Descargar la hoja de cálculo (XLSX)
download-csv = Descargar como CSV
upload = Subir el archivo editado
file = Archivo de hoja de cálculo
file-hint = El archivo .xlsx o .csv descargado aquí, de 5 MB y 5.000 filas como máximo.
preview = Ver los cambios
too-large = El archivo supera los 5 MB.
preview-title = Lo que cambiaría esta subida
col-row = Fila
col-item = Compromiso o hito
col-change = Cambio
changes = Cambios
conflicts = Conflictos
conflicts-intro = Cambiadas en el seguimiento desde su descarga; estas filas se dejan como están:
unchanged = filas no cambian nada.
nothing = Nada que registrar: cada fila ya dice lo que dice el seguimiento.
confirm = Registrar estos cambios
errors-intro = Corrija estas celdas y suba de nuevo el archivo; no se registró nada.
result-title = La subida está registrada
applied = registrados
left-alone = Dejados como estaban
failed = Rechazados
expired = Esta vista previa ya no funciona: suba de nuevo el archivo.
again = Subir otro archivo
revise = revisión
reschedule = fecha límite
unblock = desbloqueo
start = inicio
progress = avance
evidence = evidencia añadida
achieve = logrado
block = bloqueado
cancel = cancelado

## Why a file cannot be read.
not-spreadsheet = Este archivo no es una hoja de cálculo: suba el archivo .xlsx o .csv descargado de esta página, una vez editado.
too-many-rows = El archivo tiene { $rows } filas; se admiten como máximo { $max } a la vez.
header-wrong = La primera fila debe contener los nombres de columna de la descarga: { $columns }.
cell-too-long = La fila { $row } tiene una celda de más de { $max } caracteres.
too-many-columns = La fila { $row } tiene más de { $max } columnas.
too-much-text = El archivo contiene más de { $megabytes } MB de texto: suba solo las filas del plan.
unreadable = No se puede leer la hoja de cálculo: descárguela de nuevo, edítela y súbala.

## The downloaded workbook: a note on each column's name (the names stay as they are, for the
## upload), and the status column's list.
sheet-name = Plan
column-kind = «commitment» o «milestone». No lo cambie.
column-id = El identificador de la fila en el seguimiento. No lo cambie.
column-version = La versión de la fila en el momento de la descarga: una fila cambiada después en el seguimiento se deja como está. No lo cambie.
column-commitment = El compromiso al que pertenece un hito.
column-title = El título de un compromiso, que puede cambiarse aquí. Un hito conserva su título.
column-status = El estado del hito: elíjalo de la lista.
column-percent = El avance, un número entero de 0 a 100.
column-due-on = La fecha límite, como 2027-03-31. Una nueva fecha requiere una nota que explique el motivo.
column-note = Una nota para este cambio: el motivo cuando un hito se bloquea, se cancela o se reprograma.
column-evidence-title = El título de la evidencia de un logro.
column-evidence-url = El enlace a la evidencia (http o https).
status-list-title = Estado
status-list-message = Elija un valor de la lista: { $choices }

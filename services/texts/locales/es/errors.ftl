## Why a value or a step is refused: one message per code of the domain's and the use cases'
## refusals (`reason!("code", …)` in the Rust code). A value in a field comes after the field's
## name ("Title: must not be empty"), so these start in lower case.

## Values of a field.
required = campo obligatorio
empty = no puede quedar en blanco
too-long = debe tener como máximo { $max } caracteres
too-short = debe tener al menos { $min } caracteres
not-one-line = debe ocupar una sola línea, sin caracteres de control
control-characters = contiene caracteres de control
not-a-percent = debe ser un número entero de 0 a 100
not-a-link = debe ser un enlace http o https, como https://example.org/report.pdf
not-an-email = no es una dirección de correo electrónico como name@example.org
not-a-date = «{ $value }» no es una fecha como 2026-03-31
not-a-week = «{ $value }» no es una semana como 2026-W48
not-an-id = «{ $value }» no es un identificador válido
not-a-country-code = «{ $value }» no es un código de país de tres letras (ISO 3166-1 alpha-3)
not-a-country = «{ $value }» no es un país de la norma ISO 3166-1
not-a-process-ref = «{ $value }» no es una referencia de proceso como O3.7
not-a-process = { $process } no es un proceso del catálogo { $catalogue } del marco
unknown-code = «{ $value }» no es uno de los valores siguientes: { $choices }
unknown-word = «{ $value }» no es uno de los valores siguientes: { $choices }
out-range = está fuera del rango permitido
not-account-s-password = no es la contraseña de la cuenta
too-many-items = admite como máximo { $max } elementos

## Accounts.
account-disabled = la cuenta está desactivada
account-not-disabled = la cuenta no está desactivada
account-e-mail-address-already = ya existe una cuenta con esta dirección de correo electrónico
account-already-role-countries = la cuenta ya tiene este rol y estos países
account-act-countries-already = la cuenta ya puede actuar en estos países
admin-cannot-disable-account = un administrador no puede desactivar su propia cuenta
least-one-enabled-admin-must = debe quedar al menos un administrador activo: primero convierta otra cuenta en administrador
role-may-not = el rol «{ $role }» no permite hacer esto
not-your-country = un punto focal solo puede actuar en sus propios países, y { $country } no es uno de ellos

## Engagements.
engagement-closed = el compromiso con el país está cerrado
country-engagement-closed = el compromiso con { $country } está cerrado
engagement-already-open = ya hay un compromiso abierto con { $country }
engagement-already-published = el registro ya está publicado
engagement-not-published = el registro no está publicado
engagement-status-not-allowed = un compromiso con un país no puede pasar de «{ $from }» a «{ $to }»
dpi-system-already-tracked = el sistema «{ $system }» ya está en seguimiento
dpi-system-already-at-stage = el sistema «{ $system }» ya está en la etapa «{ $stage }»
dpi-system-twice = el sistema «{ $system }» figura dos veces
account-already-focal-point-engagement = esta cuenta ya es punto focal del compromiso con el país
enabled-focal-point-account-focal = solo una cuenta de punto focal activa puede ser punto focal

## Commitments and plans.
commitment-already-exists = el compromiso ya existe
commitment-withdrawn = el compromiso fue retirado
commitment-needs-least-one-principle = un compromiso necesita al menos un principio
revision-changes-nothing-give-least = la revisión no cambia nada: dé un nuevo valor al menos a un campo
choose-least-one-process-plan = elija al menos un proceso para el plan
plan-too-large = un plan admite como máximo { $max } compromisos

## Milestones.
milestone-already-exists = el hito ya existe
milestone-step-not-allowed = un hito en estado «{ $status }» no admite esta acción: { $step }
achievement-needs-least-one-piece = un logro necesita al menos una evidencia: un enlace o un documento adjunto
evidence-link-recorded-already = este enlace de evidencia ya está registrado
achievement-must-verified-someone-other = un logro debe verificarlo una persona distinta de quien lo informó
milestone-already-due-date = el hito ya vence en esa fecha
kept-changing = el registro siguió cambiando mientras se enviaba esto: inténtelo de nuevo

## The spreadsheet's rows.
sheet-id-twice = este identificador ya figura en la fila { $first }: una fila por identificador
sheet-no-such-milestone = ningún hito de { $country } tiene este identificador: aquí no se pueden añadir filas
sheet-no-such-commitment = ningún compromiso de { $country } tiene este identificador: aquí no se pueden añadir filas
sheet-changed-since = se cambió en el seguimiento después de su descarga; la fila se deja como está: vuelva a descargar el archivo para editarla
sheet-you-not-revise-commitments-country = usted no puede revisar los compromisos de este país
sheet-must-commitment-or-milestone = debe ser «commitment» o «milestone»
sheet-must-number-download-gave-row = debe ser el número que la descarga dio a esta fila
sheet-milestone-keeps-title-commitment-s = un hito conserva su título; aquí solo cambia el título de un compromiso
sheet-verification-done-tracker-someone-other = la verificación se hace en el seguimiento, por una persona distinta de quien informó del logro
sheet-give-evidence-link-title = dé un título al enlace de evidencia
sheet-say-why-rescheduled = indique por qué cambia la fecha límite: la nota es el motivo
sheet-say-why-blocked = indique por qué está bloqueado: la nota es el motivo
sheet-say-why-cancelled = indique por qué se cancela: la nota es el motivo
sheet-keeps-due-date = un hito en estado «{ $status }» conserva su fecha límite
sheet-no-progress = un hito en estado «{ $status }» no admite informes de avance
sheet-achievement-needs-new-evidence-link = un logro necesita un nuevo enlace de evidencia y su título
sheet-verified-milestone-does-not-change = un hito verificado no se cambia aquí
sheet-cancelled-milestone-does-not-change = un hito cancelado no se cambia aquí
sheet-achievement-sent-back-verifier-tracker = un logro lo devuelve quien lo verifica, en el seguimiento
sheet-status-not-allowed = no puede pasar de «{ $from }» a «{ $to }»
sheet-milestone-takes-no-more-evidence = este hito no admite más evidencias
commitment-row-revises-title-due = una fila de compromiso solo revisa su título y su fecha límite
milestone-row-does-not-revise = una fila de hito no revisa un compromiso

## Subscriptions.
subscription-already-confirmed = la suscripción ya está confirmada
subscriber-unsubscribed = esta dirección se ha dado de baja
already-unsubscribed = ya se dio de baja
confirmation-link-invalid-or-expired = el enlace de confirmación no es válido o ha caducado: suscríbase de nuevo
no-pending-subscription-confirm = no hay ninguna suscripción pendiente de confirmación

## The tracker's own work (reminders and the digest's deliveries); seldom shown to a person.
focal-point-reminded-milestone-week = este punto focal ya recibió esta semana un recordatorio de este hito
reminder-not-recorded = este recordatorio no está registrado
digest-already-composed = el boletín del periodo { $period } ya está elaborado
digest-already-completed = el boletín ya está terminado
digest-already-delivered = el boletín ya se entregó
delivery-given-up = se abandonó el envío
another-worker-holds-delivery = otro proceso tiene asignado este envío
next-attempt-not-due-yet = todavía no corresponde el siguiente intento
delivery-already-settled = el envío ya está resuelto
delivery-not-held = el intento { $attempt } ya no tiene asignado este envío
range-positions-ends-before-starts = el rango de posiciones termina antes de empezar

## The confirmation of an upload.
sheet-left-with-row = se deja como está junto con el resto de su fila
sheet-changed-meanwhile = se cambió en el seguimiento después de su descarga; se deja como está
sheet-store-down = no registrado: el seguimiento no puede registrar nada ahora; vuelva a subir el archivo más tarde
sheet-refused = rechazado

## Signing in: second factors and the organisation's account.
second-factor-already = la cuenta ya tiene un segundo factor
no-second-factor = la cuenta no tiene segundo factor
wrong-code = este no es el código de este momento
enrolment-expired = no corresponde a ninguna configuración del segundo factor de esta cuenta; empiece de nuevo
organisation-linked-other = la cuenta está vinculada a otra identidad de la organización
organisation-not-linked = la cuenta no está vinculada a la organización
organisation-sign-in-only = esta cuenta inicia sesión con la cuenta de la organización, no con una contraseña
organisation-unverified = la organización no ha verificado esta dirección de correo electrónico
organisation-no-account = ninguna cuenta está invitada para esta dirección
organisation-refused = la respuesta del proveedor de identidad no demuestra quién inició sesión

## Evidence documents.
not-a-sha256 = debe tener 64 dígitos hexadecimales en minúscula
document-empty = el archivo está vacío
document-type-not-accepted = no se acepta este tipo de archivo; formatos aceptados: { $kinds }
document-markup = no se aceptan páginas web ni otros archivos con marcado; guarde la página en formato PDF
document-unpacks-too-large = al descomprimirse, el documento ocuparía mucho más que su tamaño, por lo que no se acepta
evidence-file-attached-already = este documento ya está adjunto al hito
document-macros = no se aceptan documentos con macros; guárdelo sin macros
upload-unreadable = la subida se interrumpió o no se pudo leer; no se guardó nada

## The mails: the digest (HTML and text), the confirmation, the reminders.

digest = Boletín de salvaguardias
quiet = Nada cambió en sus países desde su último boletín.
quiet-all = Ningún país informó de cambios desde el boletín anterior.
colon = {": "}
achieved = Logrado
verified = Verificado
new-commitment = Nuevo compromiso
blocked = Bloqueado
overdue = Atrasado
activity = Actividad
completion = Avance
country = País
verified-col = Verificados
change = Cambio
no-change = sin cambios
points = puntos
commitment = Compromiso
open = Abrir el seguimiento
on-the-web = Leer este boletín en la web
why = Recibe este mensaje porque se suscribió al Boletín de salvaguardias.
manage = Elegir países, principios, idioma o frecuencia
unsubscribe = Darse de baja
evidence = evidencia
principles = principios
due = vence
on = el
more-overdue = { $n ->
    [one] y { $n } hito atrasado más
   *[other] y { $n } hitos atrasados más
}
days-late = { $n ->
    [one] { $n } día de retraso
   *[other] { $n } días de retraso
}
summary-verified = { $n ->
    [one] { $n } hito verificado
   *[other] { $n } hitos verificados
}
summary-in-countries = { $n ->
    [one] en { $n } país
   *[other] en { $n } países
}
summary-achieved = { $n ->
    [one] { $n } hito logrado
   *[other] { $n } hitos logrados
}
summary-commitments = { $n ->
    [one] { $n } compromiso nuevo
   *[other] { $n } compromisos nuevos
}
summary-blocked = { $n ->
    [one] { $n } hito bloqueado
   *[other] { $n } hitos bloqueados
}
summary-activities = { $n ->
    [one] { $n } actividad
   *[other] { $n } actividades
}
summary-overdue = { $n ->
    [one] { $n } hito atrasado
   *[other] { $n } hitos atrasados
}
summary-rose = el avance de { $country } subió { $points } puntos
summary-fell = el avance de { $country } bajó { $points } puntos
activity-convening = Convocatoria
activity-workshop = Taller
activity-dialogue = Diálogo
activity-commitment-letter = Carta de compromiso
activity-showcase = Presentación
activity-accelerator = Acelerador
activity-roadmap = Hoja de ruta
activity-other = Actividad
confirm-subject = Confirme su suscripción al Boletín de salvaguardias
confirm-hello = Hola:
confirm-ask = Confirme que desea recibir el Boletín de salvaguardias:
confirm-button = Confirmar mi suscripción
confirm-note = El enlace es válido durante 48 horas. Si no lo pidió, ignore este mensaje y no recibirá nada.
your-milestones = Sus hitos
your-milestones-note = Vencen en 14 días o están atrasados en sus países. Cada enlace actúa por usted, una vez, durante 14 días, sin iniciar sesión: no reenvíe este correo.
link-action-progress = Informar el avance
link-action-block = Marcar como bloqueado
link-action-evidence = Añadir un enlace de evidencia
link-action-achieve = Informar como logrado
overdue-since = atrasado desde el

## The reminder a focal point receives.
reminder-subject = Hitos por vencer o atrasados ({ $week })
reminder-hello = Hola, { $name }:
reminder-intro = Estos hitos de sus países requieren su atención:
reminder-links-note = { $days ->
    [one] Cada enlace anterior funciona una vez, durante { $days } día, sin iniciar sesión, y solo para usted: no reenvíe este correo.
   *[other] Cada enlace anterior funciona una vez, durante { $days } días, sin iniciar sesión, y solo para usted: no reenvíe este correo.
}
reminder-update = Actualícelos en el sistema de seguimiento:

## A line of a country's recent history. Inserted: $title (a commitment's or milestone's title),
## $reason, $lead, $evidence (texts people wrote), $system, $stage, $from, $to, $kind (already
## named in the page's language), $due and $day (dates), $percent.

activity-engagement-opened = Compromiso abierto, dirigido por { $lead }
activity-dpi-system-added = Sistema de IPD { $system } añadido en la etapa { $stage }
activity-dpi-system-moved = Sistema de IPD { $system } pasó de { $from } a { $to }
activity-activity-recorded = { $kind } registrado: { $title }
activity-focal-point-assigned = Punto focal asignado
activity-focal-point-removed = Punto focal retirado
activity-engagement-status-changed = Estado del compromiso cambiado de «{ $from }» a «{ $to }»
activity-engagement-published = Registro publicado
activity-engagement-unpublished = Registro retirado de la publicación
activity-commitment-created = Compromiso «{ $title }» asumido
activity-commitment-revised = Compromiso «{ $title }» revisado
activity-commitment-withdrawn = Compromiso «{ $title }» retirado: { $reason }
activity-milestone-added = Hito «{ $title }» añadido, vence el { $due }
activity-milestone-started = Hito «{ $title }» iniciado
activity-progress-reported = Hito «{ $title }» al { $percent }
activity-milestone-blocked = Hito «{ $title }» bloqueado: { $reason }
activity-milestone-unblocked = Hito «{ $title }» desbloqueado
activity-milestone-achieved = Hito «{ $title }» informado como logrado
activity-evidence-added = Prueba añadida al hito «{ $title }»: { $evidence }
activity-evidence-file-attached = Documento adjuntado al hito «{ $title }»: { $evidence }
activity-milestone-verified = Hito «{ $title }» verificado
activity-verification-rejected = Hito «{ $title }» devuelto por la verificación: { $reason }
activity-milestone-rescheduled = Hito «{ $title }» reprogramado al { $day }
activity-milestone-cancelled = Hito «{ $title }» cancelado: { $reason }

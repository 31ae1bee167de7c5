## A line of a country's recent history. Inserted: $title (a commitment's or milestone's title),
## $reason, $lead, $evidence (texts people wrote), $system, $stage, $from, $to, $kind (already
## named in the page's language), $due and $day (dates), $percent.

activity-engagement-opened = Engagement ouvert, mené par { $lead }
activity-dpi-system-added = Système d’IPN { $system } ajouté à l’étape { $stage }
activity-dpi-system-moved = Système d’IPN { $system } passé de { $from } à { $to }
activity-activity-recorded = { $kind } enregistré : { $title }
activity-focal-point-assigned = Point focal désigné
activity-focal-point-removed = Point focal retiré
activity-engagement-status-changed = Statut de l’engagement passé de « { $from } » à « { $to } »
activity-engagement-published = Dossier publié
activity-engagement-unpublished = Dossier retiré de la publication
activity-commitment-created = Engagement « { $title } » pris
activity-commitment-revised = Engagement « { $title } » révisé
activity-commitment-withdrawn = Engagement « { $title } » retiré : { $reason }
activity-milestone-added = Jalon « { $title } » ajouté, échéance le { $due }
activity-milestone-started = Jalon « { $title } » commencé
activity-progress-reported = Jalon « { $title } » à { $percent }
activity-milestone-blocked = Jalon « { $title } » bloqué : { $reason }
activity-milestone-unblocked = Jalon « { $title } » débloqué
activity-milestone-achieved = Jalon « { $title } » signalé atteint
activity-evidence-added = Preuve ajoutée au jalon « { $title } » : { $evidence }
activity-evidence-file-attached = Document joint au jalon « { $title } » : { $evidence }
activity-milestone-verified = Jalon « { $title } » vérifié
activity-verification-rejected = Jalon « { $title } » renvoyé par la vérification : { $reason }
activity-milestone-rescheduled = Jalon « { $title } » reporté au { $day }
activity-milestone-cancelled = Jalon « { $title } » annulé : { $reason }

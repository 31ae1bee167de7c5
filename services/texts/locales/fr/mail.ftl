## The mails: the digest (HTML and text), the confirmation, the reminders.

digest = Bulletin des garanties
quiet = Rien n'a changé dans vos pays depuis votre dernier bulletin.
quiet-all = Aucun pays n'a signalé de changement depuis le bulletin précédent.
colon = {" : "}
achieved = Atteint
verified = Vérifié
new-commitment = Nouvel engagement
blocked = Bloqué
overdue = En retard
activity = Activité
completion = Avancement
country = Pays
verified-col = Vérifiés
change = Évolution
no-change = inchangé
points = points
commitment = Engagement
open = Ouvrir le suivi
on-the-web = Lire ce bulletin sur le web
why = Vous recevez ce message car vous êtes abonné au Bulletin des garanties.
manage = Choisir les pays, les principes, la langue ou la fréquence
unsubscribe = Se désabonner
evidence = preuve
principles = principes
due = échéance
on = le
more-overdue = { $n ->
    [one] et { $n } autre jalon en retard
   *[other] et { $n } autres jalons en retard
}
days-late = { $n ->
    [one] { $n } jour de retard
   *[other] { $n } jours de retard
}
summary-verified = { $n ->
    [one] { $n } jalon vérifié
   *[other] { $n } jalons vérifiés
}
summary-in-countries = { $n ->
    [one] dans { $n } pays
   *[other] dans { $n } pays
}
summary-achieved = { $n ->
    [one] { $n } jalon atteint
   *[other] { $n } jalons atteints
}
summary-commitments = { $n ->
    [one] { $n } nouvel engagement
   *[other] { $n } nouveaux engagements
}
summary-blocked = { $n ->
    [one] { $n } jalon bloqué
   *[other] { $n } jalons bloqués
}
summary-activities = { $n ->
    [one] { $n } activité
   *[other] { $n } activités
}
summary-overdue = { $n ->
    [one] { $n } jalon en retard
   *[other] { $n } jalons en retard
}
summary-rose = l'avancement de { $country } a progressé de { $points } points
summary-fell = l'avancement de { $country } a reculé de { $points } points
activity-convening = Réunion
activity-workshop = Atelier
activity-dialogue = Dialogue
activity-commitment-letter = Lettre d'engagement
activity-showcase = Présentation
activity-accelerator = Accélérateur
activity-roadmap = Feuille de route
activity-other = Activité
confirm-subject = Confirmez votre abonnement au Bulletin des garanties
confirm-hello = Bonjour,
confirm-ask = Merci de confirmer que vous souhaitez recevoir le Bulletin des garanties :
confirm-button = Confirmer mon abonnement
confirm-note = Le lien est valable 48 heures. Si vous n'avez rien demandé, ignorez ce message : vous ne recevrez rien.
your-milestones = Vos jalons
your-milestones-note = À échéance dans les 14 jours ou en retard dans vos pays. Chaque lien agit pour vous, une fois, pendant 14 jours, sans connexion : ne transférez pas ce message.
link-action-progress = Signaler l’avancement
link-action-block = Signaler un blocage
link-action-evidence = Ajouter un lien de preuve
link-action-achieve = Signaler comme atteint
overdue-since = en retard depuis le

## The reminder a focal point receives.
reminder-subject = Jalons à échéance ou en retard ({ $week })
reminder-hello = Bonjour { $name },
reminder-intro = Ces jalons de vos pays demandent votre attention :
reminder-links-note = { $days ->
    [one] Chaque lien ci-dessus fonctionne une fois, pendant { $days } jour, sans connexion, et pour vous seul : ne transférez pas ce message.
   *[other] Chaque lien ci-dessus fonctionne une fois, pendant { $days } jours, sans connexion, et pour vous seul : ne transférez pas ce message.
}
reminder-update = Mettez-les à jour dans le suivi :

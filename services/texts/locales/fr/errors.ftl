## Why a value or a step is refused: one message per code of the domain's and the use cases'
## refusals (`reason!("code", …)` in the Rust code). A value in a field comes after the field's
## name ("Title: must not be empty"), so these start in lower case.

## Values of a field.
required = obligatoire
empty = ne doit pas être vide
too-long = doit comporter au plus { $max } caractères
too-short = doit comporter au moins { $min } caractères
not-one-line = doit tenir sur une seule ligne, sans caractères de contrôle
control-characters = contient des caractères de contrôle
not-a-percent = doit être un nombre entier de 0 à 100
not-a-link = doit être un lien http ou https, comme https://example.org/report.pdf
not-an-email = n’est pas une adresse électronique du type name@example.org
not-a-date = « { $value } » n’est pas une date du type 2026-03-31
not-a-week = « { $value } » n’est pas une semaine du type 2026-W48
not-an-id = « { $value } » n’est pas un identifiant valide
not-a-country-code = « { $value } » n’est pas un code de pays à trois lettres (ISO 3166-1 alpha-3)
not-a-country = « { $value } » n’est pas un pays de la norme ISO 3166-1
not-a-process-ref = « { $value } » n’est pas une référence de processus du type O3.7
not-a-process = { $process } n’est pas un processus du catalogue { $catalogue } du cadre
unknown-code = « { $value } » ne fait pas partie des valeurs suivantes : { $choices }
unknown-word = « { $value } » ne fait pas partie des valeurs suivantes : { $choices }
out-range = est hors des limites autorisées
not-account-s-password = n’est pas le mot de passe du compte
too-many-items = ne peut pas comporter plus de { $max } éléments

## Accounts.
account-disabled = le compte est désactivé
account-not-disabled = le compte n’est pas désactivé
account-e-mail-address-already = un compte avec cette adresse électronique existe déjà
account-already-role-countries = le compte a déjà ce rôle et ces pays
account-act-countries-already = le compte peut déjà agir dans ces pays
admin-cannot-disable-account = un administrateur ne peut pas désactiver son propre compte
least-one-enabled-admin-must = au moins un administrateur actif doit rester : faites d’abord d’un autre compte un administrateur
role-may-not = le rôle « { $role } » ne permet pas de faire ceci
not-your-country = un point focal ne peut agir que dans ses propres pays, et ce pays ({ $country }) n’en fait pas partie

## Engagements.
engagement-closed = l’engagement est clos
country-engagement-closed = l’engagement avec ce pays ({ $country }) est clos
engagement-already-open = un engagement avec ce pays ({ $country }) est déjà ouvert
engagement-already-published = le dossier est déjà publié
engagement-not-published = le dossier n’est pas publié
engagement-status-not-allowed = un engagement ne peut pas passer de « { $from } » à « { $to } »
dpi-system-already-tracked = le système « { $system } » est déjà suivi
dpi-system-already-at-stage = le système « { $system } » est déjà à l’étape « { $stage } »
dpi-system-twice = le système « { $system } » figure deux fois
account-already-focal-point-engagement = ce compte est déjà point focal de l’engagement
enabled-focal-point-account-focal = seul un compte de point focal actif peut être désigné point focal

## Commitments and plans.
commitment-already-exists = l’engagement existe déjà
commitment-withdrawn = l’engagement a été retiré
commitment-needs-least-one-principle = un engagement doit relever d’au moins un principe
revision-changes-nothing-give-least = la révision ne change rien : donnez une nouvelle valeur à au moins un champ
choose-least-one-process-plan = choisissez au moins un processus pour le plan
plan-too-large = un plan compte au plus { $max } engagements

## Milestones.
milestone-already-exists = le jalon existe déjà
milestone-step-not-allowed = un jalon au statut « { $status } » ne permet pas cette action : { $step }
achievement-needs-least-one-piece = une réalisation doit être étayée par au moins une preuve : un lien, ou un document joint
evidence-link-recorded-already = ce lien vers la preuve est déjà enregistré
achievement-must-verified-someone-other = une réalisation doit être vérifiée par une autre personne que celle qui l’a signalée
milestone-already-due-date = le jalon a déjà cette date pour échéance
kept-changing = le dossier n’a cessé de changer pendant cet envoi : réessayez

## The spreadsheet's rows.
sheet-id-twice = cet identifiant figure déjà à la ligne { $first } : une ligne par identifiant
sheet-no-such-milestone = aucun jalon de ce pays ({ $country }) n’a cet identifiant : il n’est pas possible d’ajouter des lignes ici
sheet-no-such-commitment = aucun engagement de ce pays ({ $country }) n’a cet identifiant : il n’est pas possible d’ajouter des lignes ici
sheet-changed-since = modifiée sur le suivi depuis votre téléchargement, la ligne est laissée telle quelle : téléchargez de nouveau le fichier pour la modifier
sheet-you-not-revise-commitments-country = vous ne pouvez pas réviser les engagements de ce pays
sheet-must-commitment-or-milestone = doit être « commitment » ou « milestone »
sheet-must-number-download-gave-row = doit être le numéro que le téléchargement a donné à cette ligne
sheet-milestone-keeps-title-commitment-s = un jalon garde son titre ; seul le titre d’un engagement se modifie ici
sheet-verification-done-tracker-someone-other = la vérification se fait sur le suivi, par une autre personne que celle qui a signalé la réalisation
sheet-give-evidence-link-title = donnez un titre au lien vers la preuve
sheet-say-why-rescheduled = indiquez pourquoi l’échéance change : la note en donne le motif
sheet-say-why-blocked = indiquez pourquoi le jalon est bloqué : la note en donne le motif
sheet-say-why-cancelled = indiquez pourquoi le jalon est annulé : la note en donne le motif
sheet-keeps-due-date = un jalon au statut « { $status } » garde son échéance
sheet-no-progress = un jalon au statut « { $status } » n’accepte pas de rapport d’avancement
sheet-achievement-needs-new-evidence-link = une réalisation demande un nouveau lien vers la preuve et son titre
sheet-verified-milestone-does-not-change = un jalon vérifié ne se modifie pas ici
sheet-cancelled-milestone-does-not-change = un jalon annulé ne se modifie pas ici
sheet-achievement-sent-back-verifier-tracker = une réalisation est renvoyée par la personne qui la vérifie, sur le suivi
sheet-status-not-allowed = ne peut pas passer de « { $from } » à « { $to } »
sheet-milestone-takes-no-more-evidence = ce jalon n’accepte plus de preuves
commitment-row-revises-title-due = une ligne d’engagement ne révise que son titre et son échéance
milestone-row-does-not-revise = une ligne de jalon ne révise pas un engagement

## Subscriptions.
subscription-already-confirmed = l’abonnement est déjà confirmé
subscriber-unsubscribed = cette adresse s’est désabonnée
already-unsubscribed = déjà désabonné
confirmation-link-invalid-or-expired = le lien de confirmation est invalide ou a expiré : abonnez-vous de nouveau
no-pending-subscription-confirm = aucun abonnement n’attend de confirmation

## The tracker's own work (reminders and the digest's deliveries); seldom shown to a person.
focal-point-reminded-milestone-week = ce point focal a déjà reçu un rappel pour ce jalon cette semaine
reminder-not-recorded = ce rappel n’est pas enregistré
digest-already-composed = le bulletin de la période { $period } est déjà composé
digest-already-completed = le bulletin est déjà terminé
digest-already-delivered = le bulletin a déjà été remis
delivery-given-up = l’envoi a été abandonné
another-worker-holds-delivery = un autre processus détient cet envoi
next-attempt-not-due-yet = la prochaine tentative n’est pas encore prévue
delivery-already-settled = l’envoi est déjà réglé
delivery-not-held = la tentative { $attempt } ne détient plus cet envoi
range-positions-ends-before-starts = la plage de positions se termine avant de commencer

## The confirmation of an upload.
sheet-left-with-row = laissé de côté avec le reste de sa ligne
sheet-changed-meanwhile = modifié sur le suivi depuis votre téléchargement ; ce changement est laissé de côté
sheet-store-down = non enregistré : le suivi ne peut pas enregistrer pour le moment ; envoyez de nouveau le fichier plus tard
sheet-refused = refusé

## Signing in: second factors and the organisation's account.
second-factor-already = le compte a déjà un second facteur
no-second-factor = le compte n’a pas de second facteur
wrong-code = ce n’est pas le code du moment
enrolment-expired = ne correspond à aucune configuration du second facteur de ce compte ; recommencez
organisation-linked-other = le compte est associé à une autre identité de l’organisation
organisation-not-linked = le compte n’est pas associé à l’organisation
organisation-sign-in-only = ce compte se connecte avec le compte de l’organisation, pas avec un mot de passe
organisation-unverified = l’organisation n’a pas vérifié cette adresse électronique
organisation-no-account = aucun compte n’est invité pour cette adresse
organisation-refused = la réponse du fournisseur d’identité ne prouve pas qui s’est connecté

## Evidence documents.
not-a-sha256 = doit comporter 64 chiffres hexadécimaux en minuscules
document-empty = le fichier est vide
document-type-not-accepted = ce type de fichier n’est pas accepté ; formats acceptés : { $kinds }
document-markup = les pages web et autres fichiers à balisage ne sont pas acceptés ; enregistrez la page au format PDF
document-unpacks-too-large = une fois décompressé, le document occuperait bien plus que sa taille ; il n’est donc pas accepté
evidence-file-attached-already = ce document est déjà joint au jalon
document-macros = les documents contenant des macros ne sont pas acceptés ; enregistrez-le sans macros
upload-unreadable = l’envoi a été interrompu ou n’a pas pu être lu ; rien n’a été enregistré

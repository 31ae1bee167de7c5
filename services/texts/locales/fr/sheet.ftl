## The spreadsheet round trip: headers, drop-downs, errors.

already = Déjà enregistrés
already-intro = Cette confirmation a déjà été envoyée : ces changements sont déjà enregistrés, et rien ne l’a été deux fois.
too-many = Trop de changements à la fois : divisez le fichier et envoyez-le en plusieurs fois.
link = Travailler hors ligne avec un tableur
title = Travailler hors ligne
intro = Téléchargez les engagements et jalons de ce pays, modifiez-les dans un tableur et envoyez le fichier : vous voyez exactement ce qui changerait, ligne par ligne, avant que rien ne soit enregistré. Une ligne modifiée sur le suivi après votre téléchargement est laissée telle quelle.
download-xlsx = Télécharger le tableur (XLSX)
download-csv = Télécharger en CSV
upload = Envoyer le fichier modifié
file = Fichier tableur
file-hint = Le fichier .xlsx ou .csv téléchargé ici, 5 Mo et 5 000 lignes au plus.
preview = Voir les changements
too-large = Le fichier dépasse 5 Mo.
preview-title = Ce que cet envoi changerait
col-row = Ligne
col-item = Engagement ou jalon
col-change = Changement
changes = Changements
conflicts = Conflits
conflicts-intro = Modifiées sur le suivi depuis votre téléchargement, ces lignes sont laissées telles quelles :
unchanged = lignes ne changent rien.
nothing = Rien à enregistrer : chaque ligne dit déjà ce que dit le suivi.
confirm = Enregistrer ces changements
errors-intro = Corrigez ces cellules et envoyez de nouveau le fichier ; rien n’a été enregistré.
result-title = L’envoi est enregistré
applied = enregistrés
left-alone = Laissés tels quels
failed = Refusés
expired = Cet aperçu ne fonctionne plus : envoyez de nouveau le fichier.
again = Envoyer un autre fichier
revise = révision
reschedule = échéance
unblock = déblocage
start = démarrage
progress = avancement
evidence = ajout de preuve
achieve = atteint
block = bloqué
cancel = annulé

## Why a file cannot be read.
not-spreadsheet = Ce fichier n’est pas un tableur : envoyez le fichier .xlsx ou .csv téléchargé depuis cette page, une fois modifié.
too-many-rows = Le fichier compte { $rows } lignes ; { $max } au plus sont acceptées à la fois.
header-wrong = La première ligne doit contenir les noms de colonnes du téléchargement : { $columns }.
cell-too-long = La ligne { $row } contient une cellule de plus de { $max } caractères.
too-many-columns = La ligne { $row } compte plus de { $max } colonnes.
too-much-text = Le fichier contient plus de { $megabytes } Mo de texte : n’envoyez que les lignes du plan.
unreadable = Le tableur est illisible : téléchargez-le de nouveau, modifiez-le et envoyez-le.

## The downloaded workbook: a note on each column's name (the names stay as they are, for the
## upload), and the status column's list.
sheet-name = Plan
column-kind = « commitment » ou « milestone ». Ne pas modifier.
column-id = L’identifiant de la ligne sur le suivi. Ne pas modifier.
column-version = La version de la ligne au moment du téléchargement : une ligne modifiée depuis sur le suivi est laissée telle quelle. Ne pas modifier.
column-commitment = L’engagement auquel appartient un jalon.
column-title = Le titre d’un engagement, modifiable ici. Un jalon garde son titre.
column-status = Le statut du jalon : choisissez-le dans la liste.
column-percent = L’avancement, un nombre entier de 0 à 100.
column-due-on = L’échéance, sous la forme 2027-03-31. Une nouvelle date demande une note qui en donne le motif.
column-note = Une note pour ce changement : le motif lorsqu’un jalon est bloqué, annulé ou reporté.
column-evidence-title = Le titre de la preuve d’une réalisation.
column-evidence-url = Le lien vers la preuve (http ou https).
status-list-title = Statut
status-list-message = Choisissez une valeur de la liste : { $choices }

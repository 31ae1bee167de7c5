## The public pages and publishing.

publish = Publier le dossier
unpublish = Retirer le dossier de la publication
published-since = Dossier public depuis
not-published = Le dossier n’est pas publié.
public-title = Dossiers publiés des pays
public-intro = Les engagements et jalons des pays qui ont choisi de publier leur dossier. Les preuves apparaissent une fois vérifiées.
public-none = Aucun pays n’a encore publié son dossier.
data-as-of = Données au
dataset-version = version du jeu de données
cite-as = Citer ainsi
download = Télécharger le jeu de données ouvert (CSV et JSON, avec son dictionnaire)
ledger-title = Journal vérifiable
ledger-intro = Chaque événement est chaîné par empreinte au précédent, et le serveur signe des points de contrôle de la chaîne avec la clé ci-dessous. Vérifiez un export avec : safeguards verify events.jsonl --key CLÉ
public-key = Clé publique (Ed25519)
checkpoints = Derniers points de contrôle
col-index = Événements
col-hash = Empreinte de la chaîne
col-signed = Signé
no-checkpoints = Aucun point de contrôle n’a encore été signé.
more-milestones = autres jalons sont dans le jeu de données ouvert
public-link = Dossier public

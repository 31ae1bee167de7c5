## The public pages and publishing.

publish = Publicar el registro
unpublish = Retirar la publicación del registro
published-since = Registro público desde
not-published = El registro no está publicado.
public-title = Registros publicados de los países
public-intro = Los compromisos e hitos de los países que eligieron publicar su registro. Las evidencias se muestran una vez verificadas.
public-none = Ningún país ha publicado aún su registro.
data-as-of = Datos al
dataset-version = versión del conjunto de datos
cite-as = Citar como
download = Descargar el conjunto de datos abiertos (CSV y JSON, con su libro de códigos)
ledger-title = Registro verificable
ledger-intro = Cada evento está encadenado por hash al anterior, y el servidor firma puntos de control de la cadena con la clave de abajo. Compruebe una exportación con: safeguards verify events.jsonl --key CLAVE
public-key = Clave pública (Ed25519)
checkpoints = Últimos puntos de control
col-index = Eventos
col-hash = Hash de la cadena
col-signed = Firmado
no-checkpoints = Aún no se ha firmado ningún punto de control.
more-milestones = hitos más están en el conjunto de datos abiertos
public-link = Registro público

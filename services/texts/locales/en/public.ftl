## The public pages and publishing.

publish = Publish the record
unpublish = Unpublish the record
published-since = Public record since
not-published = The record is not published.
public-title = Published country records
public-intro = The commitments and milestones of the countries that chose to publish their record. Evidence is shown once verified.
public-none = No country has published its record yet.
data-as-of = Data as of
dataset-version = dataset version
cite-as = Cite as
download = Download the open dataset (CSV and JSON, with its codebook)
ledger-title = Verifiable log
ledger-intro = Every event is chained by hash to the one before it, and the server signs checkpoints of the chain with the key below. Check an export with: safeguards verify events.jsonl --key KEY
public-key = Public key (Ed25519)
checkpoints = Latest checkpoints
col-index = Events
col-hash = Chain hash
col-signed = Signed
no-checkpoints = No checkpoint has been signed yet.
more-milestones = more milestones are in the open dataset
public-link = Public record

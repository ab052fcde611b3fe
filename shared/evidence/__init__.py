"""Evidence files (contract, "Evidence and report revisions (v2)"): what meetings (events) and expenditures
(reporting) both need, once.

- `rules`: the kinds, the accepted types and the size limit;
- `sniffing`: the type of a file from its first bytes (puremagic), never from its name;
- `store`: GridFS in the owning service's database, written as the upload is read (hashed while writing, the
  limit enforced while reading, nothing left behind on a refusal);
- `uploads`: the multipart request read into an `Upload` (streamed: werkzeug spools big parts to disk);
- `schemas` and `http`: the API's shapes, the download response.

Each service keeps its own routes and rules (who may upload, which owners are frozen).
"""

"""Session -> client summary / clinical record -> Markdown, HTML, PDF.

`model.build_summary` is the only way client-facing content is made, and it copies out only what
is shareable; `record.build_record` is the therapist's full record. Nothing is imported here, so
registering the `summary` and `record` commands costs the command line nothing.
"""

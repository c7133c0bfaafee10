"""The PostgreSQL engine of the event store, for a clinic's shared server (README: "PostgreSQL
for a clinic"). psycopg 3 is the optional extra `postgres`; it is imported only when a
postgresql:// URL is given."""

"""Alembic environment: migrations run on the connection `extractor.store.engine.migrate` hands over.

There is no alembic.ini and no URL here: the store migrates itself when it is opened, inside its
own transaction (which holds the migration lock), so this only has to run the scripts. A new
revision goes in versions/ beside 0001 (script.py.mako is its template); the store tests check
that the migrated schema matches `extractor.store.schema`.
"""
from alembic import context

from extractor.store.schema import metadata

context.configure(connection=context.config.attributes["connection"], target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()

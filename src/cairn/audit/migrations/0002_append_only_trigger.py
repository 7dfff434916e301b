"""On PostgreSQL, a trigger refuses any UPDATE or DELETE of an audit entry (DPA 2018 s.62).

SQLite, the embedded demo database, relies on the model and queryset refusing instead.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cairn_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Cairn audit entries are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cairn_audit_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION cairn_audit_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS cairn_audit_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS cairn_audit_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # No parameters: the SQL's own % (a RAISE placeholder) must reach PostgreSQL as it is.
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]

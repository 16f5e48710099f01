from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def written_in_the_persons_language(apps, schema_editor):
    """Messages sent before the column: written in their person's language then, which is
    most likely their language now."""
    Message = apps.get_model("notifications", "Message")
    User = apps.get_model("accounts", "User")
    Message.objects.update(
        language=Subquery(
            User.objects.filter(pk=OuterRef("user_id")).values("preferred_language")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_session_generation"),
        ("notifications", "0002_unsent_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="language",
            field=models.CharField(default="th", max_length=8),
        ),
        migrations.RunPython(written_in_the_persons_language, migrations.RunPython.noop),
    ]

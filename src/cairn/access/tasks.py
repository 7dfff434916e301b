"""Background work for the access app, run by `make worker` through Django's tasks interface."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from cairn.access.models import BreakGlassGrant
from cairn.access.queries import managers_of, reference_for


@task()
def email_break_glass_to_managers(grant_id: int) -> int:
    """E-mail each manager of the user's teams; the message names the record, not the child."""
    grant = BreakGlassGrant.objects.select_related("user", "content_type").get(pk=grant_id)
    model = grant.content_type.model_class()
    reference = reference_for(model, grant.object_id) if model else str(grant.object_id)
    recipients = [manager.email for manager in managers_of(grant.user) if manager.email]
    if not recipients:
        return 0
    send_mail(
        subject="Cairn: break-glass access used in your team",
        message=(
            f"{grant.user.display_name} used break-glass access to record {reference} "
            f"at {grant.granted_at:%d %b %Y %H:%M}. Review it in Cairn under "
            "Break-glass reviews."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return len(recipients)

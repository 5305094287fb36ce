from datetime import date, datetime, time

from django.utils import timezone

from .models import JournalEntry
from .tenancy import Viewer


def journal_entries(
    *,
    viewer: Viewer,
    action: str = "",
    actor_email: str = "",
    object_type: str = "",
    since: date | None = None,
    until: date | None = None,
):
    """Journal entries an administrator may read: their operator's, or all for platform admins."""
    if not (viewer.is_("admin") or viewer.is_platform_admin):
        return JournalEntry.objects.none()
    entries = JournalEntry.objects.visible_to(viewer).select_related("actor", "operator")
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_email:
        entries = entries.filter(actor__email__iexact=actor_email.strip())
    if object_type:
        entries = entries.filter(object_type=object_type)
    tz = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        entries = entries.filter(at__lte=datetime.combine(until, time.max, tzinfo=tz))
    return entries

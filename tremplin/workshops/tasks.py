"""Background tasks (django-tasks, run by `manage.py db_worker`): each message to a registrant, and the
end of a seat's hold. Both are queued after the commit that makes them needed, deferred with
`run_after` to the right moment; `workshops_sweep` catches up whatever a stopped worker missed."""

from django_tasks import task

from . import services


@task()
def send_registration_message(message_id: int) -> str:
    return services.message_send(message_id=message_id)


@task()
def release_hold(registration_id: int) -> int:
    from .models import Registration

    session_id = Registration.objects.filter(pk=registration_id).values_list("session_id", flat=True).first()
    if session_id is None:
        return 0
    return services.holds_release_expired(session_id=session_id)

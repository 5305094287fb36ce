from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "tremplin.workshops"
    label = "workshops"
    verbose_name = "Ateliers"

    def ready(self):
        from tremplin.mediation.signals import beneficiary_merged

        from .services import registrations_merge

        def follow_the_merge(sender, *, actor, keep, duplicate, **kwargs):
            registrations_merge(actor=actor, keep_id=keep.pk, duplicate_id=duplicate.pk)

        beneficiary_merged.connect(follow_the_merge, dispatch_uid="workshops.registrations_merge", weak=False)

"""The refresh and rebuild commands, and the removal of old exports."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tremplin.core.roles import Role
from tremplin.reporting import services
from tremplin.reporting.models import Change, ExportJob, SiteMonth

from .known import build


@pytest.fixture
def world(tenant_a, tenant_b):
    return build(tenant_a, tenant_b)


def test_refresh_takes_the_noted_changes_and_rebuild_gives_the_same_rows(world):
    assert Change.objects.exists()
    out = StringIO()
    call_command("refresh_reporting", stdout=out)
    assert not Change.objects.exists()
    assert "Changements pris en compte" in out.getvalue()
    rows = sorted(
        SiteMonth.objects.values_list("site_id", "month", "worked_us", "interactions", "accompaniments")
    )
    call_command("rebuild_reporting", stdout=StringIO())
    assert (
        sorted(
            SiteMonth.objects.values_list("site_id", "month", "worked_us", "interactions", "accompaniments")
        )
        == rows
    )


def test_exports_older_than_a_day_lose_their_file(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    coordinator = world.a.members[Role.COORDINATOR]
    job = ExportJob.objects.create(
        requester=coordinator.user,
        membership=coordinator,
        table="interactions",
        export_format="csv",
        file_name="x.csv",
        status=ExportJob.Status.READY,
    )
    path = services.export_directory() / "x.csv"
    path.write_text("a;b\n")
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=25))
    call_command("refresh_reporting", stdout=StringIO())
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED
    assert not path.exists()

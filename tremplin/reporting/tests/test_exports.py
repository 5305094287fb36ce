"""Detailed exports: asked on a page, written by a background task, downloaded by their requester only."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tremplin.core.roles import Role
from tremplin.reporting.models import ExportJob

from .known import build


@pytest.fixture
def world(tenant_a, tenant_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build(tenant_a, tenant_b)


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Ask for an export; the task, queued once the request's transaction commits, runs at once."""

    def post(client, export_format, scope="nation"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("reporting:export_list"),
                {"scope": scope, "du": "2026-03", "au": "2026-04", "export_format": export_format},
            )

    return post


def test_a_coordinator_exports_the_records_of_a_contract_and_downloads_them(world, ask):
    client = world.a.client(Role.COORDINATOR)
    assert ask(client, "csv", f"contract:{world.contract.pk}").status_code == 302
    job = ExportJob.objects.get()
    assert (job.status, job.rows) == (ExportJob.Status.READY, 6)  # 5 in March, 1 in April; none of B's
    listing = client.get(reverse("reporting:export_list")).content.decode()
    assert reverse("reporting:export_download", kwargs={"pk": job.pk}) in listing
    response = client.get(reverse("reporting:export_download", kwargs={"pk": job.pk}))
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    rows = list(csv.reader(lines, delimiter=";"))
    assert len(rows) == 7 and rows[0][0] == "Identifiant"

    ask(client, "xlsx")
    xlsx = ExportJob.objects.get(export_format="xlsx")
    content = b"".join(
        client.get(reverse("reporting:export_download", kwargs={"pk": xlsx.pk})).streaming_content
    )
    assert load_workbook(io.BytesIO(content)).worksheets[0].max_row == 7


def test_nobody_else_downloads_it_and_funders_export_no_records(world, ask):
    client = world.a.client(Role.COORDINATOR)
    ask(client, "csv")
    job = ExportJob.objects.get()
    assert (
        world.a.client(Role.ADMIN)
        .get(reverse("reporting:export_download", kwargs={"pk": job.pk}))
        .status_code
        == 404
    )
    assert world.a.client(Role.FUNDER).get(reverse("reporting:export_list")).status_code == 403


def test_a_bad_request_is_explained_and_nothing_is_queued(world, ask):
    response = ask(world.a.client(Role.COORDINATOR), "pdf")
    assert response.status_code == 400
    assert not ExportJob.objects.exists()

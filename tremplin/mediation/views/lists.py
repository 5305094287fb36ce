"""Placeholder: being written."""

from django.http import Http404


def interaction_list(request, **kwargs):
    raise Http404


def interaction_export_csv(request, **kwargs):
    raise Http404


def interaction_export_xlsx(request, **kwargs):
    raise Http404

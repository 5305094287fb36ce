"""Placeholder: being written."""

from django.http import Http404


def record(request, **kwargs):
    raise Http404


def undo(request, **kwargs):
    raise Http404


def interaction_edit(request, **kwargs):
    raise Http404


def interaction_duplicate(request, **kwargs):
    raise Http404


def interaction_delete(request, **kwargs):
    raise Http404

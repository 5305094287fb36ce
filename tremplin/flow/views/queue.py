"""Placeholder: being written."""

from django.http import Http404


def queue_home(request, **kwargs):
    raise Http404


def queue(request, **kwargs):
    raise Http404


def visit_add(request, **kwargs):
    raise Http404


def call_next(request, **kwargs):
    raise Http404


def visit_action(request, **kwargs):
    raise Http404


def reasons_edit(request, **kwargs):
    raise Http404

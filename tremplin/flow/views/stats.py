"""Placeholder: being written."""

from django.http import Http404


def site_stats(request, **kwargs):
    raise Http404

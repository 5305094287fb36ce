"""Placeholder: being written."""

from django.http import Http404


def board(request, **kwargs):
    raise Http404


def board_admin(request, **kwargs):
    raise Http404

"""Placeholder: being written."""

from django.http import Http404


def beneficiary_list(request, **kwargs):
    raise Http404


def beneficiary_search(request, **kwargs):
    raise Http404


def beneficiary_create(request, **kwargs):
    raise Http404


def beneficiary_detail(request, **kwargs):
    raise Http404


def beneficiary_edit(request, **kwargs):
    raise Http404


def beneficiary_merge(request, **kwargs):
    raise Http404


def beneficiary_anonymise(request, **kwargs):
    raise Http404

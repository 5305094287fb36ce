import pytest

from tremplin.accounts.selectors import viewer_for_membership
from tremplin.core.roles import Role
from tremplin.core.tenancy import ANONYMOUS
from tremplin.territory.models import Site


def _viewer(membership):
    return viewer_for_membership(membership.user, membership)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER])
def test_each_role_sees_only_sites_of_its_own_territory(tenant_a, tenant_b, role):
    visible = Site.objects.visible_to(_viewer(tenant_a.members[role]))
    assert list(visible) == [tenant_a.site]


def test_a_national_funder_sees_every_site(tenant_a, tenant_b):
    membership = tenant_a.members[Role.FUNDER]
    membership.is_national = True
    membership.save()
    assert set(Site.objects.visible_to(_viewer(membership))) == {tenant_a.site, tenant_b.site}


def test_anonymous_and_roleless_viewers_see_nothing(tenant_a):
    assert not Site.objects.visible_to(ANONYMOUS).exists()
    user = tenant_a.members[Role.MEDIATOR].user
    assert not Site.objects.visible_to(viewer_for_membership(user, None)).exists()

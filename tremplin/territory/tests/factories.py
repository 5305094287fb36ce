import factory

from tremplin.territory.models import Commune, Departement, Region, Site


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{90 + n % 9}")
    name = factory.Sequence(lambda n: f"Région {n}")


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{10 + n % 80:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    departement = factory.SubFactory(DepartementFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.departement.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    population = 1500
    is_rural = True


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    identifier = factory.Sequence(lambda n: f"S{n:05d}")
    name = factory.Sequence(lambda n: f"Bureau de poste {n}")
    kind = Site.Kind.BUREAU_DE_POSTE
    commune = factory.SubFactory(CommuneFactory)
    postcode = "03000"
    has_mediation = True

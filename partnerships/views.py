from django.shortcuts import get_object_or_404, render

from .models import Area, Organisation, Partnership, Region


def home(request):
    partnerships = Partnership.objects.for_public_display()
    return render(request, "partnerships/home.html", {"partnerships": partnerships})


def partnership_detail(request, slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    return render(request, "partnerships/partnership_detail.html", {"partnership": partnership})


def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    partnerships = Partnership.objects.in_region(region).for_public_display()
    return render(
        request, "partnerships/region_detail.html", {"region": region, "partnerships": partnerships}
    )


def area_detail(request, slug):
    area = get_object_or_404(Area.objects.select_related("region", "parent"), slug=slug)
    partnerships = Partnership.objects.covering(area).for_public_display()
    return render(
        request, "partnerships/area_detail.html", {"area": area, "partnerships": partnerships}
    )


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "partnerships/organisation_detail.html", {"organisation": organisation})

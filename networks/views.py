from django.shortcuts import get_object_or_404, render

from .models import Network


def network_detail(request, slug):
    network = get_object_or_404(Network.objects.for_public_display(), slug=slug)
    return render(request, "networks/network_detail.html", {"network": network})

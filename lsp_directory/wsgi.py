import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lsp_directory.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the process:
# frozen, the cyclic garbage collector no longer walks it. A full collection walked 150,000
# objects, about 60 ms, in the middle of some visitor's request. What the first requests
# load (templates, URL patterns) still made one every 50 requests or so (15 to 20 ms, the
# slowest few pages of a hundred): a full collection now waits for ten times as many young
# ones. A request's own garbage is freed when it ends, or by the young collections.
gc.collect()
gc.freeze()
young, middle, _ = gc.get_threshold()
gc.set_threshold(young, middle, 100)

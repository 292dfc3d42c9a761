/* Lazy libxml2: see xml.h. */
#include "xml.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

const kh_xml_t *kh_xml(const char **why)
{
    static kh_xml_t lib;
    static int state; /* 0 not tried, 1 loaded, -1 failed */
    static char error[256];
    if (state == 0) {
        void *h = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
        xmlFreeFunc *free_fn = NULL; /* xmlFree is a variable libxml2 exports */
        if (h) {
            *(void **)&lib.read_memory = dlsym(h, "htmlReadMemory");
            *(void **)&lib.free_doc = dlsym(h, "xmlFreeDoc");
            *(void **)&lib.line_no = dlsym(h, "xmlGetLineNo");
            *(void **)&lib.get_prop = dlsym(h, "xmlGetProp");
            *(void **)&lib.set_error_handler = dlsym(h, "xmlSetStructuredErrorFunc");
            free_fn = (xmlFreeFunc *)dlsym(h, "xmlFree");
        }
        if (h && lib.read_memory && lib.free_doc && lib.line_no && lib.get_prop &&
            lib.set_error_handler && free_fn) {
            lib.free = *free_fn;
            state = 1;
        } else {
            const char *e = h ? "a function is missing from libxml2.so.2" : dlerror();
            snprintf(error, sizeof error, "%s", e ? e : "unknown error");
            state = -1;
            /* the handle stays open: nothing else would use it */
        }
    }
    if (state < 0 && why)
        *why = error;
    return state > 0 ? &lib : NULL;
}

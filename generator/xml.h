/* libxml2's HTML parser, loaded on first use. Most plans hold no HTML, and
 * linking libxml2 (with ICU, libstdc++ and liblzma behind it) cost every
 * run 1.5 ms and 2 MiB before a plan was read; dlopen defers that to the
 * plans that need it. The functions are libxml2's own (see its manual). */
#ifndef KH_XML_H
#define KH_XML_H

#include <libxml/HTMLparser.h>

typedef struct {
    htmlDocPtr (*read_memory)(const char *buffer, int size, const char *url,
                              const char *encoding, int options);
    void (*free_doc)(xmlDocPtr doc);
    long (*line_no)(const xmlNode *node);
    xmlChar *(*get_prop)(const xmlNode *node, const xmlChar *name);
    void (*set_error_handler)(void *ctx, xmlStructuredErrorFunc handler);
    xmlFreeFunc free; /* the allocator libxml2 returned get_prop's value from */
} kh_xml_t;

/* The library, loaded once (thread-unsafe, like the rest of a session), or
 * NULL when libxml2.so.2 cannot be loaded; *why (static text) then says
 * why. */
const kh_xml_t *kh_xml(const char **why);

#endif

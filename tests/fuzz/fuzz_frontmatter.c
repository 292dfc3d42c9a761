/* Fuzz target: the loader (bytes, BOM/CRLF, NFC, front matter split, YAML
 * → node tree) and the schema check of the front matter. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "load.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kh_schema_t *schema;
    if (!schema) {
        kh_diag_list_t d;
        kh_diag_init(&d);
        schema = kh_schema_load(KH_FUZZ_DATA "/schemas/ke-hoach.schema.yaml", &d);
        kh_diag_free(&d);
        if (!schema)
            abort();
    }
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_source_t src;
    if (kh_source_load_mem("fuzz.md", (const char *)data, size, &src, &d) == 0)
        kh_schema_check(schema, src.front, src.path, 2, &d);
    kh_source_free(&src);
    kh_diag_free(&d);
    return 0;
}

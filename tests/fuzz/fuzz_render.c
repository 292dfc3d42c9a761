/* Fuzz target: the whole pipeline, rendering the PDF into memory. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kh_session_t *session;
    if (!session)
        session = kh_session_new(KH_FUZZ_DATA);
    kh_diag_list_t d;
    kh_diag_init(&d);
    unsigned char *pdf = NULL;
    size_t len = 0;
    int rc = kh_session_run_mem(session, "fuzz.md", (const char *)data, size,
                                KH_STAGE_PDF, &pdf, &len, &d);
    /* a plan that passed validation must come out as a PDF */
    if (rc == KH_OK && (len < 100 || memcmp(pdf, "%PDF-", 5) != 0))
        abort();
    free(pdf);
    kh_diag_free(&d);
    return 0;
}

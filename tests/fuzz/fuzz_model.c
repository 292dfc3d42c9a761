/* Fuzz target: load → validate (rules, document model, layout: everything
 * but the PDF). */
#include <stdint.h>

#include "fuzz_common.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kh_session_t *session;
    if (!session)
        session = kh_session_new(KH_FUZZ_DATA);
    kh_diag_list_t d;
    kh_diag_init(&d);
    kh_session_run_mem(session, "fuzz.md", (const char *)data, size,
                       KH_STAGE_VALIDATE, NULL, NULL, &d);
    kh_diag_free(&d);
    return 0;
}

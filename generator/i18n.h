/* Messages in the user's language (gettext): _("…") translates, N_("…")
 * only marks a string for extraction (tables). Catalogs: po/vi.po. */
#ifndef KH_I18N_H
#define KH_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Sets up translations: the locale's messages and character type only
 * (numbers keep the C format: the template loader reads "0.5"), and the
 * catalogs under share/locale beside the program (or build/locale in the
 * source tree). */
void kh_i18n_init(const char *exe_dir);

#endif

/* The frame's wording: every word the header and the closing print
 * (spec decree30.md, "Header" and "Closing"), decided from the plan's front matter and the template's
 * spellings. The layout (layout.c, S_header, S_closing) only places the
 * finished lines: it chooses fonts, columns and breaks, never words.
 *
 * What is the decree's rule is written here (upper case for the issuing
 * bodies and the signer's office, the number after its label, the place
 * before the date); what is a format's spelling comes from the template:
 * header.number_label ("Số: "), closing.item_prefix ("- "),
 * closing.item_end (";") and closing.last_item_end ("."),
 * closing.archive_prefix ("Lưu: "), signer.authority_separator (". " of
 * "KT. GIÁM ĐỐC"), header.draft_blank. */
#include "model_internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "wording.h"

char *kh_date_line(const char *place, int year, int month, int day,
                   const char *blank)
{
    char *words = kh_date_words(year, month, day, blank), *line;
    if (asprintf(&line, "%s, %s", place, words) < 0)
        abort();
    free(words);
    return line;
}

char *kh_number_line(const char *label, const char *number, const char *doc_code,
                     const char *issuer_code, const char *blank)
{
    char *sym = kh_number_symbol(number, doc_code, issuer_code, blank), *line;
    if (asprintf(&line, "%s%s", label, sym) < 0)
        abort();
    free(sym);
    return line;
}

static char *S_cat(const char *a, const char *b, const char *c, const char *d)
{
    char *s;
    if (asprintf(&s, "%s%s%s%s", a, b, c, d) < 0)
        abort();
    return s;
}

static void S_push(char ***v, size_t *n, char *s)
{
    char **g = realloc(*v, (*n + 1) * sizeof **v);
    if (!g)
        abort();
    *v = g;
    g[(*n)++] = s;
}

/* ---- where a header line prefers to break ---- */

/* The words of body and place names (spec decree30.md, "Header": the
 * superior body and the issuer in upper case, each name printed whole).
 * UNIT: an administrative unit, whose place name follows and stays whole
 * ("TỈNH / GIA LAI", never "GIA / LAI"); BODY: a kind of body, a line may
 * start at it ("… NHÂN DÂN / TỈNH", "… / SỞ Y TẾ"); WORD: a compound or a
 * proper name, never broken inside. Every phrase of more than one word is
 * kept whole; at each word the longest phrase wins, so "XÃ HỘI" is a
 * compound and not the unit "XÃ", "MÔI TRƯỜNG" not the body "TRƯỜNG". */
enum { UNIT, BODY, WORD };
static const struct {
    const char *words;
    int kind;
} S_phrases[] = {
    /* the units themselves are wording.c's kh_admin_units */
    {"TP.", UNIT},
    {"UBND", BODY}, {"HĐND", BODY}, {"ỦY BAN NHÂN DÂN", BODY}, {"ỦY BAN", BODY},
    {"HỘI ĐỒNG NHÂN DÂN", BODY}, {"HỘI ĐỒNG", BODY}, {"SỞ", BODY}, {"BAN", BODY},
    {"PHÒNG", BODY}, {"TRUNG TÂM", BODY}, {"BỆNH VIỆN", BODY},
    {"CÔNG ĐOÀN", BODY}, {"LIÊN ĐOÀN", BODY}, {"CHI CỤC", BODY},
    {"TỔNG CỤC", BODY}, {"CỤC", BODY}, {"VIỆN", BODY}, {"TRƯỜNG", BODY},
    {"BỘ", BODY}, {"VĂN PHÒNG", BODY}, {"THANH TRA", BODY},
    {"ĐẢNG ỦY", BODY}, {"TỈNH ỦY", BODY}, {"THÀNH ỦY", BODY},
    {"HUYỆN ỦY", BODY}, {"HỘI", BODY},
    {"NHÂN DÂN", WORD}, {"Y TẾ", WORD}, {"LAO ĐỘNG", WORD},
    {"GIÁO DỤC", WORD}, {"ĐÀO TẠO", WORD}, {"CÔNG AN", WORD},
    {"HỒ CHÍ MINH", WORD}, {"THƯƠNG BINH", WORD}, {"XÃ HỘI", WORD},
    {"TÀI CHÍNH", WORD}, {"KẾ HOẠCH", WORD}, {"ĐẦU TƯ", WORD},
    {"NÔNG NGHIỆP", WORD}, {"PHÁT TRIỂN", WORD}, {"NÔNG THÔN", WORD},
    {"MÔI TRƯỜNG", WORD}, {"TÀI NGUYÊN", WORD}, {"VĂN HÓA", WORD},
    {"THỂ THAO", WORD}, {"DU LỊCH", WORD}, {"XÂY DỰNG", WORD},
    {"GIAO THÔNG", WORD}, {"VẬN TẢI", WORD}, {"CÔNG THƯƠNG", WORD},
    {"KHOA HỌC", WORD}, {"CÔNG NGHỆ", WORD}, {"THÔNG TIN", WORD},
    {"TRUYỀN THÔNG", WORD}, {"TƯ PHÁP", WORD}, {"NỘI VỤ", WORD},
    {"NGOẠI VỤ", WORD}, {"DÂN TỘC", WORD}, {"TÔN GIÁO", WORD},
    {"QUỐC PHÒNG", WORD}, {"QUÂN SỰ", WORD}, {"BIÊN PHÒNG", WORD},
    {"KIỂM SÁT", WORD}, {"TÒA ÁN", WORD}, {"CÁN BỘ", WORD},
    {"ĐA KHOA", WORD}, {"PHÒNG CHỐNG", WORD}, {"BỆNH TẬT", WORD},
    {"KIỂM SOÁT", WORD}, {"DÂN SỐ", WORD}, {"THI ĐUA", WORD},
    {"KHEN THƯỞNG", WORD}, {"CHUYÊN MÔN", WORD}, {"NGHIỆP VỤ", WORD},
    /* the Party, the Front, the unions, youth and health bodies, and the
     * signers' offices (a chain's line, an other title) */
    {"BAN CHỈ ĐẠO", BODY}, {"BAN CHẤP HÀNH", BODY}, {"BAN THƯỜNG VỤ", BODY},
    {"BAN TỔ CHỨC", BODY}, {"BAN TUYÊN GIÁO", BODY}, {"BAN DÂN VẬN", BODY},
    {"ỦY BAN KIỂM TRA", BODY}, {"ỦY BAN MẶT TRẬN TỔ QUỐC", BODY},
    {"MẶT TRẬN TỔ QUỐC", BODY}, {"ĐOÀN THANH NIÊN", BODY},
    {"HỘI LIÊN HIỆP", BODY}, {"LIÊN HIỆP", WORD}, {"HỘI CHỮ THẬP ĐỎ", BODY},
    {"HỘI NÔNG DÂN", BODY}, {"HỘI CỰU CHIẾN BINH", BODY},
    {"TRUNG TÂM Y TẾ", BODY}, {"TRẠM Y TẾ", BODY}, {"ĐẢNG BỘ", BODY},
    {"CHI BỘ", BODY}, {"BỘ CHỈ HUY", BODY},
    {"THANH NIÊN", WORD}, {"PHỤ NỮ", WORD}, {"NÔNG DÂN", WORD},
    {"CỰU CHIẾN BINH", WORD}, {"CHỮ THẬP ĐỎ", WORD}, {"VIỆT NAM", WORD},
    {"CỘNG SẢN", WORD}, {"TỔ QUỐC", WORD}, {"MẶT TRẬN", WORD},
    {"CHỈ ĐẠO", WORD}, {"CHẤP HÀNH", WORD}, {"THƯỜNG VỤ", WORD},
    {"THƯỜNG TRỰC", WORD}, {"TỔ CHỨC", WORD}, {"TUYÊN GIÁO", WORD},
    {"DÂN VẬN", WORD}, {"KIỂM TRA", WORD}, {"CHỈ HUY", WORD},
    {"CHỦ TỊCH", WORD}, {"PHÓ CHỦ TỊCH", WORD}, {"GIÁM ĐỐC", WORD},
    {"PHÓ GIÁM ĐỐC", WORD}, {"BÍ THƯ", WORD}, {"PHÓ BÍ THƯ", WORD},
    {"HIỆU TRƯỞNG", WORD}, {"CHÁNH VĂN PHÒNG", WORD},
    {"PHÒNG, CHỐNG", WORD}, {"DỊCH BỆNH", WORD}, {"AN TOÀN", WORD},
    {"VỆ SINH", WORD}, {"THỰC PHẨM", WORD}, {"AN NINH", WORD},
    {"TRẬT TỰ", WORD}, {"HỌC SINH", WORD}, {"SINH VIÊN", WORD},
    {"MẦM NON", WORD}, {"TIỂU HỌC", WORD}, {"TRUNG HỌC", WORD},
    {"PHỔ THÔNG", WORD}, {"CƠ SỞ", WORD}, {"ĐẠI HỌC", WORD},
    {"CAO ĐẲNG", WORD}, {"DẠY NGHỀ", WORD}, {"GIÁO DỤC NGHỀ NGHIỆP", WORD},
    {"KHÁM BỆNH", WORD}, {"CHỮA BỆNH", WORD}, {"DƯỢC PHẨM", WORD},
    {"BẢO HIỂM", WORD}, {"XÃ HỘI CHỦ NGHĨA", WORD}, {"CÁCH MẠNG", WORD},
    /* the compounds of office names and titles (TRƯỞNG PHÒNG / QUẢN LÝ
     * CHẤT LƯỢNG, CẢI CÁCH HÀNH CHÍNH, VIÊN CHỨC) */
    {"QUẢN LÝ", WORD}, {"CHẤT LƯỢNG", WORD}, {"CẢI CÁCH", WORD},
    {"HÀNH CHÍNH", WORD}, {"VIÊN CHỨC", WORD}, {"CÔNG CHỨC", WORD},
    {"CHUYỂN ĐỔI", WORD}, {"KỸ THUẬT", WORD}, {"KẾ TOÁN", WORD},
    {"ĐIỀU DƯỠNG", WORD}, {"DINH DƯỠNG", WORD}, {"TRUYỀN NHIỄM", WORD},
    {"CẤP CỨU", WORD}, {"HỒI SỨC", WORD}, {"XÉT NGHIỆM", WORD},
    {"CHẨN ĐOÁN", WORD}, {"HÌNH ẢNH", WORD}, {"PHỤC HỒI", WORD},
    {"CHỨC NĂNG", WORD}, {"SỨC KHỎE", WORD}, {"SỨC KHOẺ", WORD},
    {"SINH SẢN", WORD}, {"DỰ PHÒNG", WORD}, {"TÂM THẦN", WORD},
    {"NỘI TIẾT", WORD}, {"LAO PHỔI", WORD}, {"DA LIỄU", WORD},
    {"PHÁP Y", WORD}, {"GIÁM ĐỊNH", WORD}, {"KIỂM NGHIỆM", WORD},
    {"MỸ PHẨM", WORD}, {"TRANG THIẾT BỊ", WORD}, {"THIẾT BỊ", WORD},
    {"VẬT TƯ", WORD}, {"CÔNG TÁC", WORD}, {"XÃ HỘI HÓA", WORD},
    {"THỐNG KÊ", WORD}, {"TỔNG HỢP", WORD}, {"HẠ TẦNG", WORD},
    {"ĐỐI NGOẠI", WORD}, {"HỢP TÁC", WORD}, {"QUỐC TẾ", WORD},
    {"PHÁP CHẾ", WORD}, {"TIẾP CÔNG DÂN", WORD}, {"CÔNG DÂN", WORD},
    {"KHIẾU NẠI", WORD}, {"TỐ CÁO", WORD}, {"THAM MƯU", WORD},
    {"TRUYỀN THỐNG", WORD}, {"SỐ HÓA", WORD}, {"ĐIỆN TỬ", WORD},
    {"NỮ CÔNG", WORD}, {"ĐOÀN VIÊN", WORD}, {"HỘI VIÊN", WORD},
    {"ĐẢNG VIÊN", WORD}, {"CHÍNH TRỊ", WORD}, {"TƯ TƯỞNG", WORD},
    {"PHÁP LUẬT", WORD}, {"TUYÊN TRUYỀN", WORD}, {"VẬN ĐỘNG", WORD},
};

/* The number of words of phrase ph that match up[k..n) (0: none). */
static size_t S_match(const char *ph, char *const *up, size_t k, size_t n)
{
    size_t m = 0;
    for (const char *q = ph; *q; m++, k++) {
        size_t len = strcspn(q, " ");
        if (k >= n || strlen(up[k]) != len || memcmp(up[k], q, len) != 0)
            return 0;
        q += len;
        q += *q == ' ';
    }
    return m;
}

/* A line's break classes: a kh_break_t per byte of s (strlen + 1, owned
 * by the caller; NULL for NULL), set at the first space of each gap
 * between words, KH_BREAK_PLAIN elsewhere. Words compare in upper case, so
 * a place-date's "Thành phố Hồ Chí Minh" keeps whole as the issuer's
 * "THÀNH PHỐ HỒ CHÍ MINH" does. A '\n' (the clerk's own break) ends a
 * word like a space. */
static unsigned char *S_breaks_at(const char *s, bool after_dash);

static unsigned char *S_breaks(const char *s)
{
    return S_breaks_at(s, true);
}

/* after_dash: a break after " - " is welcome (the header's "SỞ LAO ĐỘNG
 * - / THƯƠNG BINH VÀ XÃ HỘI"); false for a signer's line, which keeps
 * "TỔ CHỨC - HÀNH CHÍNH" on one line as the body text does (no line of
 * the signature ends at a dash). */
static unsigned char *S_breaks_at(const char *s, bool after_dash)
{
    if (!s)
        return NULL;
    size_t len = strlen(s), n = 0;
    unsigned char *cls = malloc(len + 1);
    size_t *gap = malloc((len + 1) * sizeof *gap); /* word k's first space after */
    char **up = malloc((len + 1) * sizeof *up);
    if (!cls || !gap || !up)
        abort();
    memset(cls, KH_BREAK_PLAIN, len + 1);
    for (size_t i = 0; i < len;) {
        if (s[i] == ' ' || s[i] == '\n') {
            i++;
            continue;
        }
        size_t e = i + strcspn(s + i, " \n");
        char *w = strndup(s + i, e - i);
        if (!w)
            abort();
        gap[n] = e;
        up[n++] = kh_text_upper(w);
        free(w);
        i = e;
    }
    /* the gap after word k: its class, decided from the words around it */
    bool *good = calloc(n + 1, sizeof *good), *bad = calloc(n + 1, sizeof *bad),
         *plain = calloc(n + 1, sizeof *plain);
    if (!good || !bad || !plain)
        abort();
    bool place = false; /* inside a place's name, after a unit word */
    bool authority = false; /* the line opens with "KT." … */
    for (size_t k = 0; k < n;) {
        size_t best = 0;
        int kind = WORD;
        for (size_t j = 0; j < sizeof S_phrases / sizeof *S_phrases; j++) {
            size_t m = S_match(S_phrases[j].words, up, k, n);
            if (m > best) {
                best = m;
                kind = S_phrases[j].kind;
            }
        }
        for (size_t j = 0; j < kh_admin_unit_count; j++) {
            size_t m = S_match(kh_admin_units[j], up, k, n);
            if (m > best) {
                best = m;
                kind = UNIT;
            }
        }
        if (best && kind != WORD) {
            if (k > 0)
                good[k - 1] = true;
            place = kind == UNIT;
        } else if (place && k > 0 && !good[k - 1] && !plain[k - 1]) {
            bad[k - 1] = true; /* "GIA / LAI" */
        }
        size_t step = best ? best : 1;
        /* a signer line's authority stays with its office ("KT. / GIÁM
         * ĐỐC" never: spec appendix-esign.md §3) */
        static const char *const auth[] = {"TM.", "KT.", "TL.", "Q.", "TUQ."};
        for (size_t j = 0; k == 0 && !best && n > 1 && j < sizeof auth / sizeof *auth; j++)
            authority = authority || !strcmp(up[0], auth[j]);
        for (size_t j = k; j + 1 < k + step; j++)
            bad[j] = true; /* inside a phrase */
        for (size_t j = k; j < k + step; j++) {
            size_t wl = strlen(up[j]);
            bool dash = strcmp(up[j], "-") == 0 || strcmp(up[j], "–") == 0;
            if (dash && place) {
                /* a place's own dash ("BÀ RỊA - VŨNG TÀU"): a plain gap
                 * after it, the name goes on */
                plain[j] = true;
            } else if (dash && !after_dash) {
                place = false; /* the line breaker keeps the dash joined */
            } else if (dash || (wl && (up[j][wl - 1] == ',' || up[j][wl - 1] == ';') &&
                                j + 1 == k + step)) { /* "PHÒNG, CHỐNG" stays whole */
                good[j] = true; /* "…, / …", "LAO ĐỘNG - / THƯƠNG BINH" */
                if (dash && j > 0)
                    good[j - 1] = true;
                place = false;
            }
        }
        k += step;
    }
    if (authority)
        good[0] = plain[0] = false, bad[0] = true;
    for (size_t k = 0; k + 1 < n; k++)
        cls[gap[k]] = good[k]    ? KH_BREAK_GOOD
                      : plain[k] ? KH_BREAK_PLAIN
                      : bad[k]   ? KH_BREAK_BAD
                                 : KH_BREAK_PLAIN;
    kh_mod_free_strings(up, n);
    free(gap);
    free(good);
    free(bad);
    free(plain);
    return cls;
}

/* The header (decree30.md, "Header"): each body's block, its superior
 * body and its name in upper case (a joint plan's stacked, lead first:
 * spec appendix-esign.md §2, practice), the number line with the plan's
 * document code (KH, a joint plan's KHLT: template doc_code,
 * joint_doc_code) and the joined codes, the place-date line. */
static void S_header(kh_plan_t *p, const kh_template_t *t)
{
    p->header_issuers = calloc(p->nissuers, sizeof *p->header_issuers);
    if (!p->header_issuers)
        abort();
    for (size_t i = 0; i < p->nissuers; i++) {
        kh_frame_issuer_t *h = &p->header_issuers[i];
        const kh_issuer_t *o = &p->issuers[i];
        h->parent = o->parent ? kh_text_upper(o->parent) : NULL;
        h->name = kh_text_upper(o->name);
        h->parent_breaks = S_breaks(h->parent);
        h->name_breaks = S_breaks(h->name);
    }
    p->nheader_issuers = p->nissuers;
    if (!p->attached) { /* Mẫu 1.3: an attached plan has neither */
        p->number_line = kh_number_line(t->number_label, p->number, p->doc_code,
                                        p->issuer_code, t->draft_blank);
        p->place_date_line = kh_date_line(p->place, p->year, p->month, p->day,
                                          t->draft_blank);
    }
    p->place_date_breaks = S_breaks(p->place_date_line);
}

/* A chain line as printed: "KT. Chủ tịch" → "KT" + the template's
 * authority_separator + "CHỦ TỊCH" (the schema's pattern gave the
 * authority and ". "). */
static char *S_chain_line(const char *item, const kh_template_t *t)
{
    size_t a = strcspn(item, ".");
    const char *rest = item + a + (item[a] == '.');
    while (*rest == ' ')
        rest++;
    char *auth = strndup(item, a), *up = kh_text_upper(rest);
    if (!auth)
        abort();
    char *line = S_cat(auth, t->authority_separator, up, "");
    free(auth);
    free(up);
    return line;
}

/* One signature block (spec appendix-esign.md §3, decree PL I II.7): the
 * authority lines in upper case, top down — a chain's ("TM. ỦY BAN NHÂN
 * DÂN", "KT. CHỦ TỊCH") or authority + on_behalf_of's ("KT. GIÁM ĐỐC"),
 * an acting head's one line "Q. GIÁM ĐỐC", or none — then the title
 * ("PHÓ CHỦ TỊCH"; after a chain's final "Q." it may be left out); the
 * other title (chức vụ khác) in upper case; the name as typed. */
static void S_signer(kh_frame_signer_t *f, const kh_issuer_t *o, const kh_template_t *t)
{
    char *title = o->title ? kh_text_upper(o->title) : NULL;
    for (size_t i = 0; i < o->nchain; i++)
        S_push(&f->lines, &f->nlines, S_chain_line(o->chain[i], t));
    if (!o->nchain && o->authority && o->on_behalf_of) {
        char *up = kh_text_upper(o->on_behalf_of);
        S_push(&f->lines, &f->nlines, S_cat(o->authority, t->authority_separator, up, ""));
        free(up);
    } else if (!o->nchain && o->authority && title) {
        char *line = S_cat(o->authority, t->authority_separator, title, "");
        free(title);
        title = line;
    }
    if (title)
        S_push(&f->lines, &f->nlines, title);
    f->other_title = o->other_title ? kh_text_upper(o->other_title) : NULL;
    f->name = strdup(o->name_signed);
    if (!f->name)
        abort();
    f->line = o->signer_line;
    f->col = o->signer_col;
    /* a narrow cell (a joint plan's) wraps these as the header's names:
     * never inside "ỦY BAN NHÂN DÂN" or "THANH NIÊN" */
    f->line_breaks = calloc(f->nlines, sizeof *f->line_breaks);
    if (!f->line_breaks)
        abort();
    for (size_t i = 0; i < f->nlines; i++)
        f->line_breaks[i] = S_breaks_at(f->lines[i], false);
    f->other_title_breaks = S_breaks_at(f->other_title, false);
}

/* The closing (decree30.md, "Closing"): a signature block per body, the
 * lead's first (plan->signers); the recipient lines, each "- item;", the
 * archive last, "- Lưu: VT, TCHC.". */
static void S_closing(kh_plan_t *p, const kh_template_t *t)
{
    if (p->attached)
        return; /* Mẫu 1.3: no Nơi nhận, no signature */
    p->signers = calloc(p->nissuers, sizeof *p->signers);
    if (!p->signers)
        abort();
    for (size_t i = 0; i < p->nissuers; i++)
        S_signer(&p->signers[i], &p->issuers[i], t);
    p->nsigners = p->nissuers;
    for (size_t i = 0; i < p->nrecipients; i++)
        S_push(&p->recipient_lines, &p->nrecipient_lines,
               S_cat(t->item_prefix, p->recipients[i], t->item_end, ""));
    char *archive = S_cat(t->archive_prefix, p->archive, "", "");
    S_push(&p->recipient_lines, &p->nrecipient_lines,
           S_cat(t->item_prefix, archive, t->last_item_end, ""));
    free(archive);
}

/* "Kính gửi" under the title, as a công văn addresses its recipients
 * (practice, after the công văn of Nghị định 30/2020/NĐ-CP, Phụ lục I
 * and Mẫu 1.4 as we read them — not in the project's spec; README,
 * "The plan source", Addressees): one addressee on the label's line,
 * closed by last_item_end ("Kính gửi: Sở Y tế tỉnh Kon Tum."); several
 * under the label alone, each "- A;" as the Nơi nhận items, the last
 * "- C.". The spellings are the template's (title.addressee_label,
 * closing.item_prefix/item_end/last_item_end). */
static void S_addressees(kh_plan_t *p, const kh_template_t *t)
{
    if (p->naddressees == 1) {
        S_push(&p->addressee_lines, &p->naddressee_lines,
               S_cat(t->addressee_label, " ", p->addressees[0], t->last_item_end));
        return;
    }
    if (!p->naddressees)
        return;
    S_push(&p->addressee_lines, &p->naddressee_lines, S_cat(t->addressee_label, "", "", ""));
    for (size_t i = 0; i < p->naddressees; i++)
        S_push(&p->addressee_lines, &p->naddressee_lines,
               S_cat(t->item_prefix, p->addressees[i],
                     i + 1 < p->naddressees ? t->item_end : t->last_item_end, ""));
}

void kh_mod_frame(kh_plan_t *p, const kh_template_t *t)
{
    S_header(p, t);
    S_addressees(p, t);
    S_closing(p, t);
}

void kh_mod_frame_free(kh_plan_t *p)
{
    for (size_t i = 0; i < p->nheader_issuers; i++) {
        kh_frame_issuer_t *h = &p->header_issuers[i];
        free(h->parent);
        free(h->name);
        free(h->parent_breaks);
        free(h->name_breaks);
    }
    free(p->header_issuers);
    free(p->number_line);
    free(p->place_date_line);
    free(p->place_date_breaks);
    for (size_t i = 0; i < p->nsigners; i++) {
        kh_frame_signer_t *f = &p->signers[i];
        for (size_t k = 0; k < f->nlines; k++) {
            free(f->lines[k]);
            free(f->line_breaks ? f->line_breaks[k] : NULL);
        }
        free(f->lines);
        free(f->line_breaks);
        free(f->other_title_breaks);
        free(f->other_title);
        free(f->name);
    }
    free(p->signers);
    kh_mod_free_strings(p->recipient_lines, p->nrecipient_lines);
    kh_mod_free_strings(p->addressee_lines, p->naddressee_lines);
}

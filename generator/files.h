/* Files: opening what kehoach reads and checking what it is asked to write,
 * so that no input, option or file-system state makes it block on a FIFO,
 * read a directory, or overwrite anything but the output it was asked to
 * write (issue 9). "-" is standard input (read) or standard output
 * (written). Every refusal is a diagnostic with rule "io" (exit status 2)
 * naming the path. */
#ifndef KH_FILES_H
#define KH_FILES_H

#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"

/* The name diagnostics give a path: "<stdin>" for "-" read, else path. */
const char *kh_input_name(const char *path);

/* Opens a plan, template, schema or font for reading: "-" is a duplicate of
 * standard input. The file is opened without blocking (a FIFO with no
 * writer would hang the open), then refused unless it is a regular file
 * (standard input may also be a pipe or a terminal); the descriptor returned
 * blocks again. Returns the descriptor (close it), or -1 after adding an
 * "io" diagnostic (rule: rule, so a font can keep its own). */
int kh_open_input(const char *path, const char *rule, kh_diag_list_t *diags);

/* Why a file of this mode (not a regular file) is not read or written as
 * one: "is a directory, not a file", translated. */
const char *kh_file_kind(mode_t mode);

/* Identity of an existing file: device and inode, as stat gives them. */
typedef struct {
    dev_t dev;
    ino_t ino;
    bool known; /* false: no such file (yet) */
} kh_file_id_t;

/* The identity of an input path ("-": what standard input is, when it is
 * a regular file). */
kh_file_id_t kh_input_id(const char *path);

/* Checks, before anything is rendered, every output path a command would
 * write (outs[i] for plans[i]; "-" is standard output): refused when it is
 * one of the plans (the same file, however spelt: ./x, a symbolic or hard
 * link), when two different plans would write the same file (one plan
 * given twice writes the same bytes twice: allowed), when it is a directory,
 * a block device, a socket or a dangling symbolic link, and when it is a
 * terminal (a PDF is not text). Returns the number of refusals; each is an
 * "io" error naming the output. */
int kh_check_outputs(char *const *plans, char *const *outs, int n,
                     kh_diag_list_t *diags);

/* Checks the files one plan writes (render --separate-appendices: its PDF
 * and one per appendix file, never "-"): each a kind that can be written,
 * and no two the same file (however spelt). Returns the number of
 * refusals, each an "io" error naming the output. */
int kh_check_own_outputs(char *const *outs, int n, kh_diag_list_t *diags);

/* Checks an output against the other files a plan read (its appendix
 * files, the template, its schema and fonts: inputs[0..n), NULL entries
 * skipped), known only once the plan is loaded, just before it is
 * written: false, with an "io" error naming the output and the input it
 * would clobber, when it is one of them (the same file however spelt). */
bool kh_output_not_input(const char *out, const char *const *inputs, size_t n,
                         kh_diag_list_t *diags);

#endif

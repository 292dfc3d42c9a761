# kehoach — see README.md. `make demo` renders plans/ into out/, `make test`
# runs every test. Missing Debian packages are installed first (as root) or
# named (otherwise).

CC      ?= cc
PKGS    := yaml-0.1 libcmark-gfm libpcre2-8 libpng libutf8proc
# libxml2: headers only; generator/xml.c loads the library on first use
PKGS_HEADERS := libxml-2.0
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wpedantic
CPPFLAGS_ALL = $(WARN) $(shell pkg-config --cflags $(PKGS) $(PKGS_HEADERS) 2>/dev/null)
# libcmark-gfm-extensions (tables, strikethrough) has no .pc file of its
# own: named here, whether or not libcmark-gfm.pc lists it
LDLIBS_ALL   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lhpdf -ldeflate -lm -ldl

LANGS := $(basename $(notdir $(wildcard po/*.po)))
MO    := $(LANGS:%=build/locale/%/LC_MESSAGES/kehoach.mo)
SRC  := diag.c files.c text.c load.c template.c schema.c validate.c wording.c model.c model_table.c model_appendix.c model_note.c model_frame.c model_marks.c model_esign.c xml.c font.c linebreak.c colwidth.c layout.c layout_table.c image.c pdf.c session.c batch.c watch.c
OBJ  := $(SRC:%.c=build/obj/%.o)
SAN_OBJ := $(SRC:%.c=build/san/%.o)
SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps test-deps mo demo test bench fuzz golden pot install uninstall deb clean
all: deps build/kehoach $(MO)
mo: $(MO)

# tests/deps.sh's lists: `make`, `make install` and `make demo` need the
# runtime and build packages only, `make deb` the packaging tools too, and
# only `make test`, `make bench` and `make fuzz` pull the test tools.
# NODEPS=1 skips the check (debian/rules: Build-Depends already did it).
deps:
	@[ -n "$(NODEPS)" ] || sh tests/deps.sh build
test-deps:
	@[ -n "$(NODEPS)" ] || sh tests/deps.sh build package test

# Translations: po/LANG.po → build/locale (found beside build/kehoach), and
# share/locale when installed. `make pot` refreshes the message template
# and merges it into every catalog.
build/locale/%/LC_MESSAGES/kehoach.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<
# Schemas' x-message texts are translated at run time (schema.c): `pot`
# turns each into an N_("…") line of build/schema-messages.c for xgettext.
pot:
	@mkdir -p build
	sed -n 's/^ *x-message: *//p' schemas/*.yaml | \
	    sed -e "s/^'\\(.*\\)'$$/\\1/" -e 's/^"\(.*\)"$$/\1/' \
	        -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/.*/N_("&")/' \
	    > build/schema-messages.c
	xgettext --from-code=UTF-8 -k_ -kN_ -kkh_diag_add:7 -kS_err:4 -kS_diag:6 -kkh_mod_diag:6 \
	    -kS_error:3 --package-name=kehoach --no-location --sort-output \
	    -o po/kehoach.pot generator/*.c build/schema-messages.c
	for po in po/*.po; do msgmerge -q --update --backup=none $$po po/kehoach.pot; done

# make install PREFIX=/usr DESTDIR=/tmp/pkg: the program finds its data in
# ../share/kehoach beside bin/, so a moved or DESTDIR install works.
PREFIX ?= /usr/local
SHARE  := $(DESTDIR)$(PREFIX)/share
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/kehoach/templates \
	    $(SHARE)/kehoach/schemas $(SHARE)/kehoach/fonts $(SHARE)/man/man1 \
	    $(SHARE)/bash-completion/completions
	install -m 755 build/kehoach $(DESTDIR)$(PREFIX)/bin/kehoach
	install -m 644 templates/*.yaml $(SHARE)/kehoach/templates/
	install -m 644 schemas/*.yaml $(SHARE)/kehoach/schemas/
	install -m 644 fonts/*.ttf fonts/LICENSE $(SHARE)/kehoach/fonts/
	install -m 644 docs/kehoach.1 $(SHARE)/man/man1/kehoach.1
	install -m 644 completions/kehoach $(SHARE)/bash-completion/completions/kehoach
	for l in $(LANGS); do \
	    install -d $(SHARE)/locale/$$l/LC_MESSAGES && \
	    install -m 644 build/locale/$$l/LC_MESSAGES/kehoach.mo $(SHARE)/locale/$$l/LC_MESSAGES/; \
	done
uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/kehoach $(SHARE)/kehoach $(SHARE)/man/man1/kehoach.1 \
	    $(SHARE)/bash-completion/completions/kehoach \
	    $(LANGS:%=$(SHARE)/locale/%/LC_MESSAGES/kehoach.mo)

# make deb: the Debian package (debian/, debhelper), built from a copy of
# the tree in build/deb so that dpkg-buildpackage's outputs, which go to the
# parent folder, stay in build/; the .deb is copied to build/ and must be
# lintian clean (errors and warnings fail; infos are shown).
deb:
	@[ -n "$(NODEPS)" ] || sh tests/deps.sh build package
	rm -rf build/deb build/kehoach_*.deb
	mkdir -p build/deb/kehoach
	tar -cf - --exclude=./build --exclude=./out --exclude=./.git . | tar -xf - -C build/deb/kehoach
	cd build/deb/kehoach && dpkg-buildpackage -b -us -uc --no-sign -Jauto >../build.log 2>&1 || \
	    { tail -40 ../build.log; exit 1; }
	cp build/deb/kehoach_*.deb build/
	lintian -I --fail-on error,warning build/kehoach_*.deb
	@ls -l build/kehoach_*.deb

build/obj/%.o: generator/%.c generator/*.h | build/obj
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
build/san/%.o: generator/%.c generator/*.h | build/san
	$(CC) $(CPPFLAGS_ALL) -O1 -g $(SAN) -c $< -o $@
build/obj build/san build/fuzz out:
	mkdir -p $@

build/kehoach: $(OBJ) build/obj/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)
build/kehoach-san: $(SAN_OBJ) build/san/main.o
	$(CC) $(SAN) -g -o $@ $^ $(LDLIBS_ALL)
build/unit: $(OBJ) build/obj/unit.o
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_ALL)
build/unit-san: tests/unit.c $(SAN_OBJ)
	$(CC) $(CPPFLAGS_ALL) -Igenerator -O1 -g $(SAN) -o $@ $^ $(LDLIBS_ALL)
build/obj/unit.o: tests/unit.c generator/*.h | build/obj
	$(CC) $(CPPFLAGS_ALL) -Igenerator $(CFLAGS) -c $< -o $@
# The column-width rule alone (generator/colwidth.c is pure arithmetic).
build/unit-colwidth: tests/unit_colwidth.c build/obj/colwidth.o
	$(CC) $(CPPFLAGS_ALL) -Igenerator $(CFLAGS) -o $@ $^ -lm
build/unit-colwidth-san: tests/unit_colwidth.c build/san/colwidth.o
	$(CC) $(CPPFLAGS_ALL) -Igenerator -O1 -g $(SAN) -o $@ $^ -lm

# Fuzzing (libFuzzer, clang from Debian): one target per entry point, the
# generator compiled with coverage and ASan + UBSan. The same targets are
# also built with gcc + ASan and a plain main (tests/fuzz/standalone.c) so
# that `make test` replays the kept crashers and the seed corpus.
FUZZ_TARGETS := frontmatter model render
FUZZ_CC   ?= clang
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all -g -O1
FUZZ_DEFS := -DKH_FUZZ_DATA='"$(CURDIR)"' -Igenerator -Itests/fuzz
FUZZ_OBJ  := $(SRC:%.c=build/fuzz/%.o)
FUZZ_SECONDS ?= 60
build/fuzz/%.o: generator/%.c generator/*.h | build/fuzz
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_DEFS) $(FUZZ_SAN) -fsanitize=fuzzer $< $(FUZZ_OBJ) -o $@ $(LDLIBS_ALL)
build/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/standalone.c $(SAN_OBJ)
	$(CC) $(CPPFLAGS_ALL) $(FUZZ_DEFS) -O1 -g $(SAN) $< tests/fuzz/standalone.c $(SAN_OBJ) -o $@ $(LDLIBS_ALL)

fuzz: test-deps $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# plans/*-esign.md are prepared for electronic signing: rendered --esign
PLANS := $(filter-out %-esign.md,$(wildcard plans/*.md))
ESIGN_PLANS := $(wildcard plans/*-esign.md)
demo: all | out
	build/kehoach render -d out $(PLANS)
	build/kehoach render --esign -d out $(ESIGN_PLANS)
	@ls -l out/*.pdf

build/fault.so: tests/fault/fault.c | build/obj
	$(CC) -shared -fPIC -O1 -o $@ $< -ldl

# The whole suite, against the optimised build and once more against the
# sanitizer build (ASan + UBSan), plus valgrind and the fuzz regressions.
test: test-deps build/kehoach $(MO) build/kehoach-san build/unit build/unit-san build/unit-colwidth build/unit-colwidth-san build/fault.so $(FUZZ_TARGETS:%=build/replay_%)
	@bash tests/run.sh

# Rewrites the golden layout dumps (tests/layout/NAME.dump) after an
# intended layout change; review the diff before committing it.
golden: build/kehoach
	@for f in tests/layout/*.md; do LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=0 \
	    build/kehoach render --dump-layout $$f > $${f%.md}.dump 2>/dev/null || echo "failed: $$f"; done

# the floor a render is measured against (tests/floor.c): static, so that
# it loads nothing
build/floor: tests/floor.c | build/obj
	$(CC) -std=c11 -O2 -Wall -Wextra -static -o $@ $<
bench: test-deps all build/floor
	@bash tests/bench.sh

clean:
	rm -rf build out

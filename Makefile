# kehoach — see README.md. `make demo` renders plans/ into out/, `make test`
# runs every test. Missing Debian packages are installed first (as root) or
# named (otherwise).

CC      ?= cc
PKGS    := yaml-0.1 libcmark libpcre2-8
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wpedantic
CPPFLAGS_ALL = $(WARN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_ALL   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhpdf -lz -lm

SRC  := diag.c text.c load.c template.c schema.c validate.c model.c font.c linebreak.c layout.c pdf.c session.c
OBJ  := $(SRC:%.c=build/obj/%.o)
SAN_OBJ := $(SRC:%.c=build/san/%.o)
SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps demo test unit asan-test bench clean
all: deps build/kehoach

deps:
	@sh tests/deps.sh

build/obj/%.o: generator/%.c generator/*.h | build/obj
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS) -c $< -o $@
build/san/%.o: generator/%.c generator/*.h | build/san
	$(CC) $(CPPFLAGS_ALL) -O1 -g $(SAN) -c $< -o $@
build/obj build/san out:
	mkdir -p $@

build/kehoach: $(OBJ) build/obj/main.o
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_ALL)
build/kehoach-san: $(SAN_OBJ) build/san/main.o
	$(CC) $(SAN) -g -o $@ $^ $(LDLIBS_ALL)
build/unit: $(OBJ) build/obj/unit.o
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS_ALL)
build/obj/unit.o: tests/unit.c generator/*.h | build/obj
	$(CC) $(CPPFLAGS_ALL) -Igenerator $(CFLAGS) -c $< -o $@

PLANS := $(wildcard plans/*.md)
demo: all | out
	build/kehoach render -d out $(PLANS)
	@ls -l out/*.pdf

# The whole suite, against the sanitizer build (ASan + UBSan): every test
# renders real plans through it.
test: deps build/kehoach build/kehoach-san build/unit
	@KEHOACH=build/kehoach-san bash tests/run.sh

bench: all
	@bash tests/bench.sh

clean:
	rm -rf build out

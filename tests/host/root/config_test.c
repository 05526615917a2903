/*
 * config_test.c - host unit tests of root's boot-configuration parser
 * (srv/root/config.c): every option, quoting, defaults, comments, and each
 * kind of malformed file refused with the line named.
 */
#include "config.h"
#include "tap.h"

#include <string.h>

static struct config cfg;
static char err[96];

static int parse(const char *text)
{
	err[0] = 0;
	return config_parse(text, strlen(text), &cfg, err, sizeof err);
}

static void the_default_configuration_parses(void)
{
	CHECK_EQ(parse("# comment\nrun console\n\tprovide console\n\tcap icu\n\tio 0x3f8 8\n\tdaemon\n"
		       "run monitor\n\tstdout console\n\tstdin console\n\tmem 128M\n"), 0);
	CHECK_EQ(cfg.nprogs, 2);
	const struct config_prog *c = &cfg.progs[0], *m = &cfg.progs[1];
	CHECK(!strcmp(c->argv[0], "console") && c->argv[1] == 0);
	CHECK(!strcmp(c->provide, "console"));
	CHECK(c->ncaps == 1 && !strcmp(c->caps[0].name, "icu") && !strcmp(c->caps[0].as, "icu"));
	CHECK(c->io_port == 0x3f8 && c->io_count == 8);
	CHECK(c->daemon && !c->wait);
	CHECK(!strcmp(m->out, "console") && !strcmp(m->in, "console"));
	CHECK_EQ(m->mem, 128ull << 20);
	CHECK_EQ(m->kmem, 2ull << 20);   /* the default */
	CHECK(!m->daemon);
}

static void arguments_quotes_env_and_caps(void)
{
	CHECK_EQ(parse("run prog one \"two words\" three # a comment\n  env A=1\n  env B=two\n  cap log mylog\n"
		       "  kmem 512K\n  wait\n"), 0);
	const struct config_prog *p = &cfg.progs[0];
	CHECK(!strcmp(p->argv[0], "prog") && !strcmp(p->argv[1], "one") && !strcmp(p->argv[2], "two words") &&
	      !strcmp(p->argv[3], "three") && p->argv[4] == 0);
	CHECK(!strcmp(p->env[0], "A=1") && !strcmp(p->env[1], "B=two") && p->env[2] == 0);
	CHECK(!strcmp(p->caps[0].name, "log") && !strcmp(p->caps[0].as, "mylog"));
	CHECK_EQ(p->kmem, 512ull << 10);
	CHECK(p->wait);
	CHECK(p->out == 0 && p->in == 0 && p->provide == 0);
}

static void empty_and_comment_only_files_start_nothing(void)
{
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(cfg.nprogs, 0);
	CHECK_EQ(parse("# nothing\n\n   \n"), 0);
	CHECK_EQ(cfg.nprogs, 0);
}

static void malformed_files_are_refused_naming_the_line(void)
{
	CHECK_EQ(parse("  mem 4M\n"), -1);   /* an option before any run */
	CHECK(strstr(err, "line 1") != 0);
	CHECK_EQ(parse("run a\n\tfrobnicate\n"), -1);
	CHECK(strstr(err, "line 2") != 0);
	CHECK_EQ(parse("run a\n\tmem lots\n"), -1);
	CHECK_EQ(parse("run a\n\tmem 0\n"), -1);
	CHECK_EQ(parse("run a\n\tmem 99999999999999999999G\n"), -1);
	CHECK_EQ(parse("run a\n\tio 0x3f8 0\n"), -1);
	CHECK_EQ(parse("run a\n\tio 0xffff 2\n"), -1);   /* past the last port */
	CHECK_EQ(parse("run a\n\tio 0x60 5\n"), -1);     /* not a power of two */
	CHECK_EQ(parse("run a\n\tio 0x3f9 2\n"), -1);    /* not aligned to it */
	CHECK_EQ(parse("run a\n\tio 0 0x10000\n"), 0);   /* every port */
	CHECK_EQ(cfg.progs[0].io_count, 0x10000);
	CHECK_EQ(parse("run a \"unbalanced\n"), -1);
	CHECK_EQ(parse("run\n"), -1);
	CHECK_EQ(parse("start a\n"), -1);
	CHECK_EQ(parse("run a\n\tstdout\n"), -1);
	CHECK_EQ(parse("run a\n\tdaemon now\n"), -1);
}

static void limits_are_refused_not_overrun(void)
{
	char text[4096] = "";
	for (int i = 0; i <= CONFIG_PROGS_MAX; i++)
		strcat(text, "run p\n");
	CHECK_EQ(parse(text), -1);
	CHECK(strstr(err, "too many programs") != 0);
	strcpy(text, "run p");
	for (int i = 0; i <= CONFIG_ARGS_MAX; i++)
		strcat(text, " x");
	CHECK_EQ(parse(text), -1);
	strcpy(text, "run p\n");
	for (int i = 0; i <= CONFIG_ENV_MAX; i++)
		strcat(text, " env K=V\n");
	CHECK_EQ(parse(text), -1);
	strcpy(text, "run p\n");
	for (int i = 0; i <= CONFIG_CAPS_MAX; i++)
		strcat(text, " cap log\n");
	CHECK_EQ(parse(text), -1);
	/* More text than the word store holds. */
	static char big[3 * CONFIG_TEXT_MAX];
	strcpy(big, "run a\n");
	for (int i = 0; i < 3; i++) {
		strcat(big, " env K=");
		memset(big + strlen(big), 'v', 2000);
		strcat(big, "\n");
	}
	CHECK_EQ(parse(big), -1);
	CHECK(strstr(err, "line 4") != 0);
	/* An empty quoted word exactly at the end of the store. */
	strcpy(big, "run a\n env K=");
	memset(big + strlen(big), 'v', CONFIG_TEXT_MAX - 10);
	strcat(big, " \"\"\n");
	CHECK_EQ(parse(big), -1);
	CHECK(cfg.used <= CONFIG_TEXT_MAX);
}

static void text_stops_at_a_nul_byte(void)
{
	const char text[] = "run a\n\0run b\n";
	CHECK_EQ(config_parse(text, sizeof text, &cfg, err, sizeof err), 0);
	CHECK_EQ(cfg.nprogs, 1);
}

static const struct tap_case cases[] = {
	TAP_CASE(the_default_configuration_parses),
	TAP_CASE(arguments_quotes_env_and_caps),
	TAP_CASE(empty_and_comment_only_files_start_nothing),
	TAP_CASE(malformed_files_are_refused_naming_the_line),
	TAP_CASE(limits_are_refused_not_overrun),
	TAP_CASE(text_stops_at_a_nul_byte),
};

int main(void)
{
	return tap_run(cases, TAP_COUNT(cases));
}

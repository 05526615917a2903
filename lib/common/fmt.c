/*
 * fmt.c - a small, complete-enough printf engine (see fmt.h).  Numbers are
 * converted into a local buffer, then padded; nothing is allocated.
 */
#include <common/fmt.h>

#include <stdint.h>

struct spec {
	int left, zero, plus, space, alt;
	int width, prec;          /* prec < 0: none given */
	int size;                 /* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

struct out {
	fmt_put_fn put;
	void *ctx;
	int n;
};

static void emit(struct out *o, char c)
{
	o->put(o->ctx, c);
	o->n++;
}

static void pad(struct out *o, char c, int count)
{
	while (count-- > 0)
		emit(o, c);
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	*s = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-') s->left = 1;
		else if (*f == '0') s->zero = 1;
		else if (*f == '+') s->plus = 1;
		else if (*f == ' ') s->space = 1;
		else if (*f == '#') s->alt = 1;
		else break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) { s->left = 1; s->width = -s->width; }
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			s->prec = s->prec * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'h') s->size = s->size == -1 ? -2 : -1;
		else if (*f == 'l') s->size = s->size == 1 ? 2 : 1;
		else if (*f == 'z' || *f == 't' || *f == 'j') s->size = 1;
		else break;
	}
	return f;
}

static uint64_t get_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->size) {
	case 2: return va_arg(*ap, unsigned long long);
	case 1: return va_arg(*ap, unsigned long);
	case -1: return (unsigned short)va_arg(*ap, unsigned);
	case -2: return (unsigned char)va_arg(*ap, unsigned);
	default: return va_arg(*ap, unsigned);
	}
}

static int64_t get_signed(const struct spec *s, va_list *ap)
{
	switch (s->size) {
	case 2: return va_arg(*ap, long long);
	case 1: return va_arg(*ap, long);
	case -1: return (short)va_arg(*ap, int);
	case -2: return (signed char)va_arg(*ap, int);
	default: return va_arg(*ap, int);
	}
}

static void put_number(struct out *o, const struct spec *s, uint64_t v, int neg, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int len = 0;
	const char *prefix = "";

	while (v) {
		buf[len++] = digits[v % base];
		v /= base;
	}
	if (len == 0 && s->prec != 0)
		buf[len++] = '0';
	int zeros = s->prec > len ? s->prec - len : 0;
	if (neg) prefix = "-";
	else if (s->plus) prefix = "+";
	else if (s->space) prefix = " ";
	if (s->alt && base == 16 && len && !(len == 1 && buf[0] == '0'))
		prefix = upper ? "0X" : "0x";
	if (s->alt && base == 8 && zeros == 0 && buf[len - 1] != '0')
		zeros = 1;
	int plen = 0;
	while (prefix[plen])
		plen++;
	int body = plen + zeros + len;
	int fill = s->width > body ? s->width - body : 0;

	if (!s->left && !(s->zero && s->prec < 0))
		pad(o, ' ', fill);
	for (int i = 0; i < plen; i++)
		emit(o, prefix[i]);
	if (!s->left && s->zero && s->prec < 0)
		pad(o, '0', fill);
	pad(o, '0', zeros);
	while (len)
		emit(o, buf[--len]);
	if (s->left)
		pad(o, ' ', fill);
}

static void put_string(struct out *o, const struct spec *s, const char *str)
{
	int len = 0;

	if (!str)
		str = "(null)";
	while (str[len] && (s->prec < 0 || len < s->prec))
		len++;
	int fill = s->width > len ? s->width - len : 0;
	if (!s->left)
		pad(o, ' ', fill);
	for (int i = 0; i < len; i++)
		emit(o, str[i]);
	if (s->left)
		pad(o, ' ', fill);
}

int fmt_vformat(fmt_put_fn put, void *ctx, const char *f, va_list ap_in)
{
	struct out o = { put, ctx, 0 };
	struct spec s;
	va_list ap;

	va_copy(ap, ap_in);
	for (; *f; f++) {
		if (*f != '%') {
			emit(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &s, &ap);
		switch (*f) {
		case 'd': case 'i': {
			int64_t v = get_signed(&s, &ap);
			put_number(&o, &s, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, 0);
			break;
		}
		case 'u': put_number(&o, &s, get_unsigned(&s, &ap), 0, 10, 0); break;
		case 'x': put_number(&o, &s, get_unsigned(&s, &ap), 0, 16, 0); break;
		case 'X': put_number(&o, &s, get_unsigned(&s, &ap), 0, 16, 1); break;
		case 'o': put_number(&o, &s, get_unsigned(&s, &ap), 0, 8, 0); break;
		case 'p':
			s.alt = 1;
			put_number(&o, &s, (uintptr_t)va_arg(ap, void *), 0, 16, 0);
			break;
		case 's': put_string(&o, &s, va_arg(ap, const char *)); break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			s.prec = 1;
			put_string(&o, &s, c[0] ? c : "");
			if (!c[0])
				emit(&o, 0);
			break;
		}
		case '%': emit(&o, '%'); break;
		case '\0': f--; break;
		default: emit(&o, '%'); emit(&o, *f); break;
		}
	}
	va_end(ap);
	return o.n;
}

struct sbuf {
	char *buf;
	size_t size, len;
};

static void sbuf_put(void *ctx, char c)
{
	struct sbuf *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf b = { buf, size, 0 };
	int n = fmt_vformat(sbuf_put, &b, fmt, ap);

	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Calls kernel services the way driver code does; built for AArch64 at test time, its
 * undefined symbols bound to the emulated services. */
typedef unsigned long size_t;
typedef unsigned int gfp_t;
struct kmem_cache;

#define GFP_KERNEL 0xcc0u
#define __GFP_ZERO 0x100u

extern struct kmem_cache *kmalloc_caches[4][14];
void *kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size);
void *__kmalloc(size_t size, gfp_t flags);
void kfree(const void *p);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, __builtin_va_list ap);
int _printk(const char *fmt, ...);
int kstrtoint(const char *s, unsigned int base, int *res);
void not_emulated_anywhere(int x);
extern volatile unsigned long jiffies;
void __const_udelay(unsigned long xloops);

#define udelay(n) __const_udelay((n) * 0x10C7ul) /* include/asm-generic/delay.h */
#define time_before(a, b) ((long)((a) - (b)) < 0)

/* kzalloc(size, GFP_KERNEL) as include/linux/slab.h inlines it for a constant size */
void *alloc_object(void)
{
    return kmalloc_trace(kmalloc_caches[0][7], GFP_KERNEL | __GFP_ZERO, 100);
}

long fill_and_sum(size_t n)
{
    volatile unsigned char *p = __kmalloc(n, GFP_KERNEL);
    long sum = 0;
    memset((void *)p, 7, n);
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    kfree((void *)p);
    return sum;
}

long dup_length(const char *s)
{
    char *d = kmemdup(s, strlen(s) + 1, GFP_KERNEL);
    long r = strcmp(d, s) == 0 ? (long)strlen(d) : -1;
    kfree(d);
    return r;
}

/* nine variadic arguments: the last two are passed on the stack */
int print_many(int a, long b, const char *s, unsigned x, int c, unsigned long p, long neg)
{
    return _printk("\0013hello %d %ld %s %#x %c %px %5ld|%-4d|%03d\n", a, b, s, x, c, p, neg,
                   -5, 7);
}

int format_into(char *buf, size_t size, int v)
{
    return snprintf(buf, size, "v=%d hex=%08x str=%.3s", v, v, "abcdef");
}

static int vformat(char *buf, size_t size, const char *fmt, ...)
{
    __builtin_va_list ap;
    int r;
    __builtin_va_start(ap, fmt);
    r = vsnprintf(buf, size, fmt, ap);
    __builtin_va_end(ap);
    return r;
}

/* a real va_list: five arguments in saved registers, the rest on the stack */
int vformat_many(char *buf, size_t size)
{
    return vformat(buf, size, "%d %d %d %d %d %d %d %lld %s", 1, 2, 3, 4, 5, 6, 7,
                   -8ll, "end");
}

int parse(const char *s, int *out)
{
    return kstrtoint(s, 0, out);
}

void call_missing(void)
{
    not_emulated_anywhere(1);
}

/* busy-wait n jiffies in 1 ms steps, reading jiffies as drivers do */
int wait_jiffies(unsigned long n)
{
    unsigned long end = jiffies + n;
    int loops = 0;
    while (time_before(jiffies, end)) {
        udelay(1000);
        loops++;
    }
    return loops;
}

/* an RNG's callbacks, called by the emulated hwrng core from inside hwrng_register */
int hwrng_register(void *rng);
int rng_init_calls;

int rng_init(void *rng)
{
    rng_init_calls++;
    return 0;
}

int rng_read(void *rng, void *data, size_t max, int wait)
{
    unsigned char *p = data;
    for (size_t i = 0; i < max; i++)
        p[i] = (unsigned char)(i * 7 + 1);
    return (int)max;
}

int register_rng(void *rng)
{
    int r = hwrng_register(rng);
    return r * 100 + rng_init_calls;
}

/* a devm action */
void add_five(void *data)
{
    *(volatile int *)data += 5;
}

/* a callback the services run as guest code (a device's release(), a netdev's setup()) */
int counted;

void count_call(void *arg)
{
    counted++;
}

/* runtime PM callbacks, run by the emulated PM core */
int rpm_calls;

int rpm_resume_cb(void *dev)
{
    rpm_calls += 1;
    return 0;
}

int rpm_suspend_cb(void *dev)
{
    rpm_calls += 100;
    return 0;
}

/* deferred work and timer callbacks */
int work_runs, timer_runs;

void work_fn(void *work)
{
    work_runs++;
}

void timer_fn(void *timer)
{
    timer_runs++;
}

/* Structs by value: large structs passed and returned by value (memcpy under the hood), arrays
 * of structs, nested structs with mixed-width members, bit-fields, and unions. */
#include "hwrt.h"

struct vec3 {
    int32_t x, y, z;
};

struct particle {
    struct vec3 pos, vel;
    int16_t mass;
    uint8_t kind;
    int8_t charge;
    uint64_t id;
};

struct big {
    uint32_t words[48];
    struct particle p;
    char name[20];
};

struct packed_flags {
    unsigned ready : 1;
    unsigned mode : 3;
    unsigned level : 5;
    signed delta : 7;
    unsigned count : 16;
};

union word {
    uint32_t u;
    uint16_t h[2];
    uint8_t b[4];
};

static struct vec3 add(struct vec3 a, struct vec3 b) {
    struct vec3 r = {a.x + b.x, a.y + b.y, a.z + b.z};
    return r;
}

static struct particle step(struct particle p) {
    p.pos = add(p.pos, p.vel);
    if (p.pos.x < -500 || p.pos.x > 500) p.vel.x = -p.vel.x;
    if (p.pos.y < -500 || p.pos.y > 500) p.vel.y = -p.vel.y;
    p.vel.z -= p.mass / 8;
    return p;
}

static struct big transform(struct big b, uint32_t k) {
    for (int i = 0; i < 48; i++) b.words[i] = b.words[i] * k + (uint32_t)i;
    b.p = step(b.p);
    b.name[0] = (char)('A' + k % 26);
    return b;
}

static uint32_t digest_big(const struct big *b) {
    uint32_t h = 0;
    for (int i = 0; i < 48; i++) h = h * 31u + b->words[i];
    return h ^ (uint32_t)b->p.pos.x ^ (uint32_t)b->p.id;
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    struct particle ps[16];
    for (int i = 0; i < 16; i++) {
        struct particle p = {{i * 10, -i * 7, 0}, {3 - i % 7, i % 5 - 2, 1}, (int16_t)(i * 9 - 40),
                             (uint8_t)i, (int8_t)(i % 3 - 1), 0x100000000ull * (uint64_t)i + 7};
        ps[i] = p;
    }
    for (int t = 0; t < 60; t++)
        for (int i = 0; i < 16; i++) ps[i] = step(ps[i]);
    int64_t energy = 0;
    for (int i = 0; i < 16; i++)
        energy += (int64_t)ps[i].mass * (ps[i].vel.x * ps[i].vel.x + ps[i].vel.y * ps[i].vel.y +
                                         ps[i].vel.z * ps[i].vel.z) + ps[i].charge;
    hw_printf("p0=(%d,%d,%d) p15=(%d,%d,%d) energy=%lld\n", ps[0].pos.x, ps[0].pos.y, ps[0].pos.z,
              ps[15].pos.x, ps[15].pos.y, ps[15].pos.z, (long long)energy);

    struct big b;
    memset(&b, 0, sizeof b);
    strcpy(b.name, "initial");
    b.p = ps[3];
    for (int i = 0; i < 48; i++) b.words[i] = (uint32_t)i * 0x01010101u;
    struct big copies[4];
    for (uint32_t k = 0; k < 20; k++) {
        b = transform(b, k + 3);
        copies[k % 4] = b;
    }
    hw_printf("big: %s digest=%08x copies=%08x %08x\n", b.name, digest_big(&b),
              digest_big(&copies[0]), digest_big(&copies[3]));
    HW_CHECK(memcmp(copies[3].words, b.words, sizeof b.words) == 0 &&
             strcmp(copies[3].name, b.name) == 0 && copies[3].p.id == b.p.id);

    struct packed_flags f = {0};
    int32_t fsum = 0;
    for (int i = 0; i < 200; i++) {
        f.ready = !f.ready;
        f.mode = (unsigned)(f.mode + 3);
        f.level = (unsigned)(f.level * 5 + 1);
        f.delta = (signed)(i % 100 - 50);
        f.count = (unsigned)(f.count + (unsigned)i * 977u);
        fsum += (int32_t)(f.ready + f.mode + f.level + f.count) + f.delta;
    }
    hw_printf("bitfields: ready=%u mode=%u level=%u delta=%d count=%u sum=%d\n", f.ready, f.mode,
              f.level, f.delta, f.count, fsum);

    union word w;
    w.u = 0x11223344u;
    w.h[0] ^= 0xffff;
    w.b[3] = 0x99;
    hw_printf("union: %08x bytes %02x %02x %02x %02x\n", w.u, w.b[0], w.b[1], w.b[2], w.b[3]);
    return (int)((digest_big(&b) ^ (uint32_t)energy ^ (uint32_t)fsum) & 0x7f);
}

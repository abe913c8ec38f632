#!/usr/bin/python3
"""Golden fixtures for `backprop grad`, computed by PyTorch (float64).

Writes backprop-core/src/test/resources/golden/NAME.bp and NAME.json, where NAME.json is
exactly what `backprop grad NAME.bp --json` must print (values and gradients of every
named node; `of` is the last name the file defines).

Pipeline for every program (random or hand-picked):
  text --(strict lexer/parser for docs/grad-language.md)--> AST
       --(evaluator on torch float64, autograd)--> values, adjoints of every named node
  and, before anything is written, self-checks:
  * the same statements translated token by token to Python (`^` -> `**`, `[..]` ->
    torch.stack, functions -> torch ops) and run by Python's own parser must give the
    same values (checks that the spec's precedence equals Python's);
  * every adjoint (leaves AND interior nodes) is compared with central finite
    differences of `of` (an offset injected at that node, everything upstream fixed);
  * a conditioning check: perturbing every named node by ~1e-13 relative must move
    every value/gradient by less than 1e-9 relative + 1e-12 absolute, so an
    independent float64 implementation can match to 1e-9;
  * domain margins: no relu/abs argument, max/min difference, log/sqrt argument,
    denominator or power base closer than 0.05 to a non-smooth/undefined point.

Usage: /usr/bin/python3 tools/golden/make_golden.py [--out DIR] [--count N] [--verify]
Deterministic: the same command writes byte-identical files.
"""
import argparse
import json
import math
import os
import random
import re
import sys

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

BASE_SEED = 20240611
ARITY = {'exp': 1, 'log': 1, 'sqrt': 1, 'abs': 1, 'sigmoid': 1, 'tanh': 1, 'relu': 1,
         'softplus': 1, 'max': 2, 'min': 2, 'sum': (1, 2), 'mean': (1, 2), 'softmax': 1,
         'log_softmax': 1, 'transpose': 1, 'dot': 2, 'bce': 2, 'bce_logits': 2,
         'cross_entropy': 2, 'logistic': 2, 'sse': 2, 'mse': 2, 'ln': 1, 'flatten': 1,
         'logsumexp': (1, 2), 'reshape': (2, 3)}
LOSSES = ('bce', 'bce_logits', 'cross_entropy', 'logistic', 'sse', 'mse')
KEYWORDS = {'input', 'param', 'const'}
RESERVED = KEYWORDS | set(ARITY)
MARGIN = 0.05


class BpError(Exception):
    """Input the spec rejects (the calculator would exit 2)."""


class Reject(Exception):
    """Valid program, but numerically unsuitable for a golden fixture."""


# ----------------------------------------------------------------------------------
# Lexer and parser (strictly the spec's grammar)
# ----------------------------------------------------------------------------------
TOKEN_RE = re.compile(r'''
   (?P<ws>[ \t]+)
  |(?P<num>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
  |(?P<op>\*\*|[-+*/@^()\[\],=:])
''', re.X)


def tokenize(line, lineno):
    code = line.split('#', 1)[0]
    toks, pos = [], 0
    while pos < len(code):
        m = TOKEN_RE.match(code, pos)
        if not m:
            raise BpError(f'{lineno}:{pos + 1}: unexpected character {code[pos]!r}')
        if m.lastgroup != 'ws':
            toks.append((m.lastgroup, m.group(), pos + 1))
        pos = m.end()
    return toks


class Parser:
    """expr := term (('+'|'-') term)* ; term := unary (('*'|'/'|'@') unary)* ;
    unary := '-' unary | power ; power := atom ('^' unary)? ; atom := NUMBER | NAME |
    FUNC '(' args ')' | '(' expr ')' | '[' expr (',' expr)* ']'"""

    def __init__(self, toks, lineno):
        self.t, self.i, self.lineno = toks, 0, lineno

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else ('end', '', 0)

    def err(self, msg):
        raise BpError(f'{self.lineno}:{self.peek()[2]}: {msg}')

    def take(self, text=None, kind=None):
        tok = self.peek()
        if (text is not None and tok[1] != text) or (kind is not None and tok[0] != kind) \
                or tok[0] == 'end':
            self.err(f'expected {text or kind}, found {tok[1] or "end of line"!r}')
        self.i += 1
        return tok

    def statement(self):
        tok = self.peek()
        if tok[0] == 'name' and tok[1] in KEYWORDS:
            self.i += 1
            decls = [self.decl()]
            while self.peek()[1] == ',':
                self.i += 1
                decls.append(self.decl())
            kind = tok[1]
        else:
            decls, kind = [self.decl()], 'node'
        if self.peek()[0] != 'end':
            self.err(f'unexpected {self.peek()[1]!r}')
        return kind, decls

    def decl(self):
        name = self.take(kind='name')[1]
        if name in RESERVED:
            raise BpError(f'{self.lineno}: reserved word {name!r} used as a name')
        self.take('=')
        start = self.i
        e = self.expr()
        return name, e, (start, self.i)

    def expr(self):
        e = self.term()
        while self.peek()[1] in ('+', '-'):
            op = self.take()[1]
            e = ('bin', op, e, self.term())
        return e

    def term(self):
        e = self.unary()
        while self.peek()[1] in ('*', '/', '@'):
            op = self.take()[1]
            e = ('bin', op, e, self.unary())
        return e

    def unary(self):
        if self.peek()[1] == '-':
            self.i += 1
            return ('neg', self.unary())
        return self.power()

    def power(self):
        base = self.postfix(self.atom())
        if self.peek()[1] in ('^', '**'):
            spelled = self.take()[1]
            return ('bin', '^' if spelled == '^' else '**', base, self.unary())
        return base

    def postfix(self, e):
        # x[i], m[i, j], m[i, :], m[:, j]: integer literals (a unary minus allowed) or ':'
        while self.peek()[1] == '[':
            self.i += 1
            idx = [self.index()]
            if self.peek()[1] == ',':
                self.i += 1
                idx.append(self.index())
            self.take(']')
            e = ('index', e, idx)
        return e

    def index(self):
        if self.peek()[1] == ':':
            self.i += 1
            return None
        sign = 1
        if self.peek()[1] == '-':
            self.i += 1
            sign = -1
        kind, text, _ = self.take(kind='num')
        if not re.fullmatch(r'[0-9]+', text):
            self.err('an index is a whole number or :')
        return sign * int(text)

    def atom(self):
        kind, text, _ = self.peek()
        if kind == 'num':
            self.i += 1
            return ('num', float(text), text)
        if kind == 'name':
            self.i += 1
            if self.peek()[1] == '(':
                if text not in ARITY:
                    self.err(f'unknown function {text!r}')
                self.i += 1
                args = [self.expr()]
                while self.peek()[1] == ',':
                    self.i += 1
                    args.append(self.expr())
                self.take(')')
                ar = ARITY[text]
                if len(args) not in (ar if isinstance(ar, tuple) else (ar,)):
                    self.err(f'wrong number of arguments for {text}')
                if text == 'reshape':
                    if not all(a[0] == 'num' and re.fullmatch(r'[0-9]+', a[2]) and a[1] >= 1 for a in args[1:]):
                        self.err('reshape sizes must be whole-number literals')
                if text in ('sum', 'mean', 'logsumexp') and len(args) == 2:
                    a = args[1]
                    ok = (a[0] == 'num' and a[2] in ('0', '1')) or \
                         (a[0] == 'neg' and a[1][0] == 'num' and a[1][2] == '1')
                    if not ok:
                        self.err('axis must be written 0, 1 or -1')
                return ('call', text, args)
            if text in RESERVED:
                self.err(f'reserved word {text!r} used as a name')
            return ('name', text)
        if text == '(':
            self.i += 1
            e = self.expr()
            self.take(')')
            return e
        if text == '[':
            self.i += 1
            elems = [self.expr()]
            while self.peek()[1] == ',':
                self.i += 1
                elems.append(self.expr())
            self.take(']')
            return ('list', elems)
        self.err(f'expected an expression, found {text or "end of line"!r}')


def parse_program(text):
    """-> list of (lineno, kind, [(name, ast, tokens_of_expr)])"""
    stmts = []
    for lineno, line in enumerate(text.split('\n'), 1):
        toks = tokenize(line, lineno)
        if not toks:
            continue
        kind, decls = Parser(toks, lineno).statement()
        stmts.append((lineno, kind, [(n, e, toks[a:b]) for n, e, (a, b) in decls]))
    if not stmts:
        raise BpError('empty program')
    return stmts


# ----------------------------------------------------------------------------------
# Operations (shared by the AST evaluator and the Python-translation cross-check)
# ----------------------------------------------------------------------------------
def T(x):
    return x if torch.is_tensor(x) else torch.tensor(float(x))


def softplus(x):
    # log(1 + e^x) computed stably; logaddexp's backward is exp(x - result) = sigmoid(x)
    return torch.logaddexp(x, torch.zeros_like(x))


def op_max(a, b):
    a, b = T(a), T(b)
    return torch.where(a > b, a, b)       # whole gradient to a where a > b, else to b


def op_min(a, b):
    a, b = T(a), T(b)
    return torch.where(a < b, a, b)       # whole gradient to a where a < b, else to b


def op_sum(x, axis=None):
    x = T(x)
    return x.sum() if axis is None else x.sum(dim=int(axis))


def op_mean(x, axis=None):
    x = T(x)
    return x.mean() if axis is None else x.mean(dim=int(axis))


def op_transpose(x):
    x = T(x)
    return x.t() if x.dim() == 2 else x


def op_bce(p, t):
    p, t = T(p), T(t)
    return (-(t * torch.log(p) + (1 - t) * torch.log(1 - p))).sum()


def op_bce_logits(z, t):
    z, t = T(z), T(t)
    return (softplus(z) - t * z).sum()


def op_cross_entropy(z, t):
    z, t = T(z), T(t)
    return -(t * torch.log_softmax(z, dim=-1)).sum()


def op_logistic(z, y):
    z, y = T(z), T(y)
    return softplus(-y * z).sum()


def op_sse(a, b):
    a, b = T(a), T(b)
    return ((a - b) ** 2).sum()


def op_mse(a, b):
    a, b = T(a), T(b)
    return ((a - b) ** 2).mean()


def op_logsumexp(x, axis=None):
    x = T(x)
    return torch.logsumexp(x.reshape(-1), 0) if axis is None else torch.logsumexp(x, dim=int(axis))


def op_reshape(x, *sizes):
    return T(x).reshape(*[int(n) for n in sizes])


def op_list(*xs):
    return torch.stack([T(x) for x in xs])


OPS = {'exp': lambda x: torch.exp(T(x)), 'log': lambda x: torch.log(T(x)),
       'sqrt': lambda x: torch.sqrt(T(x)), 'abs': lambda x: torch.abs(T(x)),
       'sigmoid': lambda x: torch.sigmoid(T(x)), 'tanh': lambda x: torch.tanh(T(x)),
       'relu': lambda x: torch.relu(T(x)), 'softplus': lambda x: softplus(T(x)),
       'max': op_max, 'min': op_min, 'sum': op_sum, 'mean': op_mean,
       'softmax': lambda x: torch.softmax(T(x), dim=-1),
       'log_softmax': lambda x: torch.log_softmax(T(x), dim=-1),
       'transpose': op_transpose, 'dot': lambda u, v: torch.dot(T(u), T(v)),
       'bce': op_bce, 'bce_logits': op_bce_logits, 'cross_entropy': op_cross_entropy,
       'logistic': op_logistic, 'sse': op_sse, 'mse': op_mse,
       'ln': lambda x: torch.log(T(x)), 'flatten': lambda x: T(x).reshape(-1),
       'logsumexp': op_logsumexp, 'reshape': op_reshape}


def bshape(a, b, what):
    try:
        s = torch.broadcast_shapes(a.shape, b.shape)
    except RuntimeError:
        raise BpError(f'shape mismatch in {what}: {tuple(a.shape)} vs {tuple(b.shape)}')
    return tuple(s)


# ----------------------------------------------------------------------------------
# AST evaluator with the spec's shape rules, domain-margin checks and coverage tags
# ----------------------------------------------------------------------------------
def is_literal_num(e):
    return e[0] == 'num' or (e[0] == 'neg' and e[1][0] == 'num')


def literal_value(e):
    return e[1] if e[0] == 'num' else -e[1][1]


def smin(x):
    return float(x.detach().min()) if x.numel() else math.inf


class Evaluator:
    def __init__(self, checks=True, exp_limit=30.0):
        self.checks, self.exp_limit = checks, exp_limit
        self.tags = set()

    def need(self, cond, msg):
        if self.checks and not cond:
            raise Reject(msg)

    def ev(self, e, env):
        k = e[0]
        if k == 'num':
            return torch.tensor(e[1])
        if k == 'name':
            if e[1] not in env:
                raise BpError(f'{e[1]!r} used before its definition (or not allowed here)')
            return env[e[1]]
        if k == 'neg':
            self.tags.add('neg')
            return -self.ev(e[1], env)
        if k == 'list':
            xs = [self.ev(x, env) for x in e[1]]
            if all(x.dim() == 0 for x in xs):
                self.tags.add('list:vector')
            elif all(x.dim() == 1 for x in xs) and len({x.shape[0] for x in xs}) == 1:
                self.tags.add('list:matrix')
            else:
                raise BpError('list elements must be all scalars or all vectors of one length')
            if any(x.requires_grad for x in xs):
                self.tags.add('list:differentiable')
            return torch.stack(xs)
        if k == 'bin':
            return self.binop(e[1], e[2], e[3], env)
        if k == 'call':
            return self.call(e[1], e[2], env)
        if k == 'index':
            x = self.ev(e[1], env)
            idx = e[2]
            if x.dim() != len(idx) or (x.dim() == 1 and idx[0] is None) or idx == [None, None]:
                raise BpError(f'index {idx} does not fit shape {tuple(x.shape)}')
            for i, n in zip(idx, x.shape):
                if i is not None and not -n <= i < n:
                    raise BpError(f'index {idx} out of range for shape {tuple(x.shape)}')
            self.tags.add('index:' + ','.join(':' if i is None else ('neg' if i < 0 else 'k') for i in idx))
            return x[tuple(slice(None) if i is None else i for i in idx)]
        raise AssertionError(e)

    def binop(self, op, ea, eb, env):
        if op == '**':
            self.tags.add('pow:starstar')
            op = '^'
        a = self.ev(ea, env)
        if op == '^' and is_literal_num(eb):
            p = literal_value(eb)
            if p != int(p):
                self.need(smin(a) > MARGIN, 'non-integer power of a base near/below 0')
            if p < 0:
                self.need(smin(a.abs()) > MARGIN, 'negative power of a base near 0')
            self.tags.add('pow:literal-exponent' + (':negative-base' if smin(a) < 0 else ''))
            return torch.pow(a, p)
        b = self.ev(eb, env)
        if op == '@':
            if a.dim() == 0 or b.dim() == 0:
                raise BpError('@ with a scalar operand')
            if a.shape[-1] != b.shape[0]:
                raise BpError(f'@ shape mismatch {tuple(a.shape)} @ {tuple(b.shape)}')
            self.tags.add(f'matmul:{a.dim()}d@{b.dim()}d')
            return torch.matmul(a, b)
        s = bshape(a, b, op)
        if a.shape != b.shape:
            self.tags.add(f'broadcast:{tuple(a.shape)}{op}{tuple(b.shape)}'.replace(' ', ''))
            self.tags.add('broadcast:' + '/'.join(sorted([shape_kind(a.shape), shape_kind(b.shape)])))
        if op == '+':
            self.tags.add('add')
            return a + b
        if op == '-':
            self.tags.add('sub')
            return a - b
        if op == '*':
            self.tags.add('mul')
            return a * b
        if op == '/':
            self.tags.add('div')
            self.need(smin(b.abs()) > MARGIN, 'denominator near 0')
            return a / b
        if op == '^':
            self.tags.add('pow:differentiable-exponent')
            self.need(smin(a) > MARGIN, 'power base near/below 0 with a non-literal exponent')
            return torch.pow(a, b)
        raise AssertionError(op)

    def call(self, f, args, env):
        if f == 'reshape':
            x = self.ev(args[0], env)
            sizes = [int(a[1]) for a in args[1:]]
            if math.prod(sizes) != x.numel():
                raise BpError(f'reshape: {tuple(x.shape)} to {sizes}')
            self.tags.add(f'reshape:{x.dim()}d->{len(sizes)}d')
            return OPS[f](x, *sizes)
        if f in ('sum', 'mean', 'logsumexp') and len(args) == 2:
            x = self.ev(args[0], env)
            axis = int(literal_value(args[1]))
            if x.dim() == 0 or (x.dim() == 1 and axis == 1):
                raise BpError(f'{f}: axis {axis} invalid for shape {tuple(x.shape)}')
            self.tags.add(f'{f}:axis{axis}:{x.dim()}d')
            return OPS[f](x, axis)
        xs = [self.ev(a, env) for a in args]
        x = xs[0]
        self.tags.add(f)
        if f in ('relu', 'abs'):
            self.need(smin(x.abs()) > MARGIN, f'{f} argument near 0')
        elif f in ('log', 'sqrt'):
            self.need(smin(x) > MARGIN, f'{f} argument near/below 0')
        elif f == 'exp':
            self.need(float(x.detach().max()) < self.exp_limit, 'exp overflow risk')
        elif f in ('max', 'min'):
            bshape(xs[0], xs[1], f)
            self.need(smin((xs[0] - xs[1]).abs()) > MARGIN, f'{f} near a tie')
            if xs[0].shape != xs[1].shape:
                self.tags.add(f'{f}:broadcast')
        elif f in ('softmax', 'log_softmax'):
            if x.dim() == 0:
                raise BpError(f'{f} of a scalar')
            self.tags.add(f'{f}:{x.dim()}d')
        elif f == 'dot':
            if x.dim() != 1 or xs[1].dim() != 1 or x.shape != xs[1].shape:
                raise BpError('dot needs two vectors of one length')
        elif f == 'transpose':
            self.tags.add(f'transpose:{x.dim()}d')
        elif f in ('sum', 'mean', 'logsumexp', 'flatten'):
            self.tags.add(f'{f}:all:{x.dim()}d')
        elif f in LOSSES:
            # losses do not broadcast: the same shape, or a scalar second argument (cross_entropy
            # also takes one target row for every row of a matrix of logits)
            s = bshape(xs[0], xs[1], f)
            row = f == 'cross_entropy' and x.dim() == 2 and xs[1].dim() == 1 and xs[1].shape[0] == x.shape[1]
            if xs[0].shape != xs[1].shape and xs[1].dim() != 0 and not row:
                raise BpError(f'shape mismatch in {f}: {tuple(xs[0].shape)} and {tuple(xs[1].shape)}')
            if xs[0].shape != xs[1].shape:
                self.tags.add(f'{f}:broadcast' if row else f'{f}:scalar-target')
            if xs[1].requires_grad:
                self.tags.add(f'{f}:differentiable-second-arg')
            if f == 'bce':
                self.need(smin(x) > 1e-3 and float(x.detach().max()) < 1 - 1e-3,
                          'bce probability too close to 0 or 1')
            if f == 'cross_entropy':
                if x.dim() not in (1, 2) or s != tuple(x.shape):
                    raise BpError('cross_entropy: z vector/matrix, t broadcast to z')
                self.tags.add(f'cross_entropy:{x.dim()}d')
        return OPS[f](*xs)


def shape_kind(s):
    s = tuple(s)
    if len(s) == 0:
        return 'scalar'
    if len(s) == 1:
        return 'vector' if s[0] > 1 else 'vector1'
    if s[0] == 1 and s[1] > 1:
        return 'row'
    if s[1] == 1 and s[0] > 1:
        return 'column'
    return 'matrix'


# ----------------------------------------------------------------------------------
# Running a whole program
# ----------------------------------------------------------------------------------
class Program:
    def __init__(self, text):
        self.text = text
        self.stmts = parse_program(text)
        self.order, self.kind, seen = [], {}, set()
        for lineno, kind, decls in self.stmts:
            for name, _, _ in decls:
                if name in seen:
                    raise BpError(f'{lineno}: {name!r} defined twice')
                seen.add(name)
                self.order.append(name)
                self.kind[name] = kind
        self.of = self.order[-1]
        if self.kind[self.of] == 'const':
            raise BpError('the output (last name) is a const')
        self.diff = [n for n in self.order if self.kind[n] != 'const']

    def run(self, checks=True, offsets=None, scale=None, want_grad=True, exp_limit=30.0):
        """offsets: name -> tensor added to the node's value (finite differences);
        scale: name -> tensor multiplying the node's value (conditioning check)."""
        ev = Evaluator(checks, exp_limit)
        env, consts, raw = {}, {}, {}
        with torch.set_grad_enabled(want_grad):
            for lineno, kind, decls in self.stmts:
                for name, e, _ in decls:
                    if kind == 'node':
                        v = ev.ev(e, env)
                        raw[name] = v
                        v = v.clone() if v.requires_grad else \
                            v.detach().clone().requires_grad_(want_grad)
                    else:
                        with torch.no_grad():
                            v = ev.ev(e, consts)   # leaf EXPR: literals and consts only
                        raw[name] = v
                        v = v.detach().clone()
                        if kind != 'const' and want_grad:
                            v.requires_grad_(True)
                    if v.dim() > 2:
                        raise BpError(f'{name}: more than 2 dimensions')
                    if scale and name in scale:
                        v = v * scale[name]
                    if offsets and name in offsets:
                        v = v + offsets[name]
                    env[name] = v
                    if kind == 'const':
                        consts[name] = v
                    if checks and not bool(torch.isfinite(v).all()):
                        raise Reject(f'{name}: non-finite value')
                    if checks and float(v.detach().abs().max()) > 1e4:
                        raise Reject(f'{name}: value too large')
        out = env[self.of]
        if out.dim() != 0:
            raise BpError(f'output {self.of} is not a scalar')
        grads = None
        if want_grad:
            ts = [env[n] for n in self.diff]
            gs = torch.autograd.grad(out, ts, allow_unused=True)
            grads = {n: (g if g is not None else torch.zeros_like(t)).detach()
                     for n, t, g in zip(self.diff, ts, gs)}
            for n, g in grads.items():
                if checks and not bool(torch.isfinite(g).all()):
                    raise Reject(f'{n}: non-finite gradient')
                if checks and g.numel() and float(g.abs().max()) > 1e5:
                    raise Reject(f'{n}: gradient too large')
        values = {n: env[n].detach() for n in self.order}
        return values, grads, ev.tags, raw


# ----------------------------------------------------------------------------------
# Self-checks
# ----------------------------------------------------------------------------------
def translate(toks):
    """Token-level translation of one expression to Python source."""
    out, closers, prev = [], [], None
    for kind, text, _ in toks:
        postfix = prev is not None and (prev[1] in (')', ']') or (prev[0] == 'name' and prev[1] not in ARITY))
        prev = (kind, text)
        if text == '[':
            closers.append(']' if postfix else ')')
            out.append('[' if postfix else 'F_list(')
            continue
        if text == ']':
            out.append(closers.pop())
            continue
        if kind == 'num' and closers and closers[-1] == ']':
            out.append(str(int(text)))           # an index
        elif kind == 'num':
            out.append(repr(float(text)))        # `007`, `5.`, `.5` are not all Python
        elif kind == 'name':
            out.append(('F_' if text in ARITY else 'V_') + text)
        elif text in ('^', '**'):
            out.append('**')
        else:
            out.append(text)
    return ' '.join(out)


def check_translation(prog, raw):
    ns = {'F_' + k: v for k, v in OPS.items()}
    ns['F_list'] = op_list
    ns['__builtins__'] = {}
    for lineno, kind, decls in prog.stmts:
        for name, _, toks in decls:
            with torch.no_grad():
                v = T(eval(translate(toks), ns))
            r = raw[name].detach()
            if v.shape != r.shape or not torch.allclose(v, r, rtol=1e-14, atol=1e-300):
                raise AssertionError(f'translation mismatch at {name}: {v} vs {r}\n{prog.text}')
            ns['V_' + name] = r


def check_fd(prog, values, grads, tol=1e-6):
    worst = 0.0
    for n in prog.diff:
        x = values[n]
        g = grads[n]
        flat = x.reshape(-1)
        for i in range(flat.numel()):
            h = 1e-6 * max(1.0, abs(float(flat[i])))
            res = []
            for sgn in (1, -1):
                off = torch.zeros(flat.numel())
                off[i] = sgn * h
                v, _, _, _ = prog.run(checks=False, offsets={n: off.reshape(x.shape)},
                                      want_grad=False)
                res.append(float(v[prog.of]))
            num = (res[0] - res[1]) / (2 * h)
            ana = float(g.reshape(-1)[i])
            err = abs(ana - num) / max(1.0, abs(ana), abs(num))
            worst = max(worst, err)
            if err > tol:
                raise Reject(f'finite differences disagree at {n}[{i}]: {ana} vs {num}')
    return worst


def close(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-12


def check_conditioning(prog, values, grads, seed):
    r = random.Random(seed)
    for trial in range(2):
        scale = {}
        for n in prog.order:
            s = [1 + r.choice((-1, 1)) * 1e-13 * (1 + r.random()) for _ in range(values[n].numel())]
            scale[n] = torch.tensor(s).reshape(values[n].shape)
        v2, g2, _, _ = prog.run(checks=False, scale=scale)
        for d1, d2 in ((values, v2), (grads, g2)):
            for n in d1:
                for a, b in zip(d1[n].reshape(-1).tolist(), d2[n].reshape(-1).tolist()):
                    if not close(a, b):
                        raise Reject(f'ill-conditioned at {n}: {a} vs {b}')


def check_cross_oracles(prog):
    """Where shapes allow, compare our loss definitions with PyTorch's built-in losses."""
    import torch.nn.functional as F
    r = torch.Generator().manual_seed(1)
    z = torch.randn(3, 4, generator=r) * 3
    t = torch.rand(3, 4, generator=r)
    assert torch.allclose(op_bce_logits(z, t), F.binary_cross_entropy_with_logits(z, t, reduction='sum'))
    p = torch.sigmoid(z)
    assert torch.allclose(op_bce(p, t), F.binary_cross_entropy(p, t, reduction='sum'))
    lab = torch.tensor([1, 3, 0])
    assert torch.allclose(op_cross_entropy(z, F.one_hot(lab, 4).double()),
                          F.cross_entropy(z, lab, reduction='sum'))
    y = torch.tensor([1., -1., 1., -1.])
    assert torch.allclose(op_logistic(z[0], y), F.soft_margin_loss(z[0], y, reduction='sum'))
    assert torch.allclose(op_sse(z, t), F.mse_loss(z, t, reduction='sum'))
    assert torch.allclose(op_mse(z, t), F.mse_loss(z, t))
    big = torch.tensor([1000., -1000., 0.3])
    assert torch.equal(softplus(big)[:2], torch.tensor([1000., 0.]))
    # precedence: the spec's reading equals Python's
    for src, want in (('-2^2', -4.0), ('2^3^2', 512.0), ('2^-1', 0.5), ('-2^-2', -0.25),
                      ('2*-3', -6.0), ('8/2/2', 2.0), ('2-3-4', -5.0), ('-3^2*2', -18.0)):
        prg = Program('y = ' + src)
        v, _, _, raw = prg.run(checks=False)
        assert float(v['y']) == want == eval(translate(prg.stmts[0][2][0][2]), {'__builtins__': {}}), src


# ----------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------
def jval(t):
    x = t.tolist()
    return x


def dump_num(x):
    assert math.isfinite(x)
    return repr(float(x))


def dump(x):
    if isinstance(x, list):
        return '[' + ', '.join(dump(y) for y in x) + ']'
    return dump_num(x)


def to_json(prog, values, grads):
    def block(d):
        items = [f'    {json.dumps(n)}: {dump(jval(v))}' for n, v in d.items()]
        return '{\n' + ',\n'.join(items) + '\n  }'
    s = ('{\n  "of": ' + json.dumps(prog.of) + ',\n  "values": ' + block(values) +
         ',\n  "gradients": ' + block(grads) + '\n}\n')
    # round-trip sanity
    back = json.loads(s)
    assert back['of'] == prog.of and list(back['values']) == prog.order
    return s


# ----------------------------------------------------------------------------------
# Random program generator
# ----------------------------------------------------------------------------------
ADD, MUL, UNARY, POW, ATOM = 1, 2, 3, 4, 5
AX0, AX1, AXM1 = ('0', ATOM, 'num'), ('1', ATOM, 'num'), ('-1', 3, 'negatom')   # axis: exactly 0, 1, -1
FEATURES = ['add', 'sub', 'mul', 'div', 'neg', 'pow_int', 'pow_neg', 'pow_var', 'pow_litbase',
            'exp', 'log', 'sqrt', 'abs', 'sigmoid', 'tanh', 'relu', 'softplus', 'max', 'min',
            'sum_all', 'mean_all', 'sum_axis', 'mean_axis', 'softmax', 'log_softmax',
            'transpose', 'dot', 'mm', 'mv', 'vm', 'vv', 'list', 'bce', 'bce_logits',
            'cross_entropy', 'logistic', 'sse', 'mse', 'bcast_colrow', 'bcast_rowmat',
            'bcast_scalar', 'const_node', 'alias']
FANCY_NAMES = ['Sum', 'Exp', 'MAX', 'Relu', '_t', 'inputs', 'params', 'constant', 'log2',
               'x_1', 'softmax2', 'Mean', 'Input', 'dotp', 'a_b_c', 'sigmoid_', 'T0', '__']


class Gen:
    def __init__(self, seed, features):
        self.r = random.Random(seed)
        self.seed = seed
        self.features = list(features)
        d = [self.r.randint(1, 4) for _ in range(3)]
        if self.r.random() < 0.7:       # mostly avoid degenerate 1-sized dims
            d = [max(x, 2) if self.r.random() < 0.6 else x for x in d]
        self.dims = d
        self.lines = []
        self.env = {}        # name -> tensor (values, no grad)
        self.kind = {}
        self.used = set()
        self.names = set()
        self.counter = 0
        self.pending = []    # [(kind, name, text)] leaves to declare before the statement

    # ---- helpers ------------------------------------------------------------------
    def chance(self, p):
        return self.r.random() < p

    def dim(self):
        return self.r.choice(self.dims)

    def fresh(self, prefix):
        if self.chance(0.06):
            for cand in self.r.sample(FANCY_NAMES, len(FANCY_NAMES)):
                if cand not in self.names:
                    self.names.add(cand)
                    return cand
        while True:
            self.counter += 1
            n = f'{prefix}{self.counter}'
            if n not in self.names:
                self.names.add(n)
                return n

    def sp(self, op):
        c = self.r.random()
        if c < 0.8:
            return f' {op} '
        if c < 0.93:
            return op
        return f'\t{op} '

    def num(self, v):
        """A non-negative literal, sometimes in an unusual but exact spelling."""
        v = float(v)
        assert v >= 0
        s = repr(v)
        if s.endswith('.0'):
            alt = [s[:-2], s[:-1], s, '0' + s[:-2]]
            if v == 1000.0:
                alt.append('1E+3')
            s = self.r.choice(alt) if self.chance(0.5) else s[:-2]
        elif s.startswith('0.') and self.chance(0.25):
            s = s[1:]                                   # .5
        elif self.chance(0.1) and v in (0.01, 0.05, 0.001, 0.02):
            s = {0.01: '1e-2', 0.05: '5e-2', 0.001: '1E-3', 0.02: '2.0e-2'}[v]
        return (s, ATOM, 'num')

    def lit(self, v):
        e = self.num(abs(v))
        return self.neg(e) if v < 0 else e

    def rval(self, lo=-2.0, hi=2.0):
        v = round(self.r.uniform(lo, hi), self.r.choice((1, 2, 2)))
        return v if v != 0 else 0.5

    def par(self, e, minp):
        return e[0] if e[1] >= minp else '(' + e[0] + ')'

    def bin(self, a, op, b):
        L = ADD if op in '+-' else MUL
        return (self.par(a, L) + self.sp(op) + self.par(b, L + 1), L, 'bin')

    def neg(self, a):
        return ('-' + self.par(a, POW), UNARY, 'negatom' if a[1] == ATOM else 'neg')

    def pw(self, a, b):
        base = self.par(a, ATOM)
        if b[1] >= POW or b[2] == 'negatom':
            ex = b[0]
        else:
            ex = '(' + b[0] + ')'
        return (base + ('^' if self.chance(0.7) else ' ^ ') + ex, POW, 'pow')

    def call(self, f, *args):
        return (f + '(' + ', '.join(a[0] for a in args) + ')', ATOM, 'call')

    # ---- leaves -------------------------------------------------------------------
    def value_text(self, shape, gen_val):
        if len(shape) == 0:
            return self.lit(gen_val())
        if len(shape) == 1:
            return ('[' + ', '.join(self.lit(gen_val())[0] for _ in range(shape[0])) + ']', ATOM, 'list')
        return ('[' + ', '.join(self.value_text(shape[1:], gen_val)[0] for _ in range(shape[0])) + ']',
                ATOM, 'list')

    def new_leaf(self, shape, kind=None, gen_val=None, prefix=None):
        kind = kind or self.r.choice(('input', 'param', 'param'))
        prefix = prefix or {'input': 'x', 'param': 'w', 'const': 'c'}[kind]
        name = self.fresh(prefix)
        text = self.value_text(shape, gen_val or self.rval)[0]
        if kind == 'const' and len(shape) == 0 and self.chance(0.3):
            pass
        self.pending.append((kind, name, text))
        return (name, ATOM, 'name')

    def target(self, shape, style):
        """A const target of `shape`: 'binary' (0/1), 'onehot' (rows one-hot),
        'prob' (rows sum to 1), 'pm1' (labels -1/1), 'real'."""
        if style == 'onehot' or style == 'prob':
            rows = 1 if len(shape) < 2 else shape[0]
            n = shape[-1] if shape else 1
            out = []
            for _ in range(rows):
                if style == 'onehot':
                    k = self.r.randrange(n)
                    out.append([1.0 if i == k else 0.0 for i in range(n)])
                else:
                    w = [self.r.randint(1, 9) for _ in range(n)]
                    s = sum(w)
                    out.append([round(x / s, 3) for x in w])
            vals = iter([x for row in out for x in row])
        elif style == 'binary':
            vals = iter([float(self.r.randint(0, 1)) for _ in range(max(1, math.prod(shape)))])
        elif style == 'pm1':
            vals = iter([self.r.choice((-1.0, 1.0)) for _ in range(max(1, math.prod(shape)))])
        else:
            vals = iter([self.rval() for _ in range(max(1, math.prod(shape)))])
        # reuse an existing const of this shape sometimes
        if self.chance(0.25):
            cands = [n for n, t in self.env.items() if self.kind[n] == 'const' and tuple(t.shape) == shape]
            if cands and style == 'real':
                return (self.r.choice(cands), ATOM, 'name')
        if self.chance(0.12) and style in ('pm1', 'binary', 'onehot') and len(shape) <= 1:
            return self.value_text(shape, lambda: next(vals))       # literal target
        return self.new_leaf(shape, 'const', lambda: next(vals), prefix='t')

    # ---- expressions ----------------------------------------------------------------
    def names_of(self, shape, consts=False):
        return [n for n, t in self.env.items() if tuple(t.shape) == shape and
                (consts or self.kind[n] != 'const')]

    def terminal(self, shape):
        names = self.names_of(shape)
        pend = [n for k, n, _ in self.pending if k != 'const' and self.pend_shape.get(n) == shape]
        c = self.r.random()
        if names and c < 0.75:
            # prefer unused / recent names: fan-out still happens often
            unused = [n for n in names if n not in self.used]
            pool = unused if unused and self.chance(0.6) else names
            return (self.r.choice(pool), ATOM, 'name')
        if pend and c < 0.85:
            return (self.r.choice(pend), ATOM, 'name')
        if len(shape) == 0 and self.chance(0.3):
            return self.lit(self.rval())
        if len(shape) == 0 and self.chance(0.1):
            cs = self.names_of((), consts=True)
            if cs:
                return (self.r.choice(cs), ATOM, 'name')
        e = self.new_leaf(shape)
        self.pend_shape[e[0]] = shape
        return e

    def split(self, shape, force=None):
        """Two operand shapes broadcasting to `shape`."""
        if len(shape) == 0:
            return (), ()
        if len(shape) == 1:
            n = shape[0]
            opts = [((n,), (n,))] * 3 + [((n,), ()), ((), (n,))]
            if n > 1:
                opts.append(((n,), (1,)))
            if force == 'bcast_scalar':
                opts = [((n,), ()), ((), (n,))]
            return self.r.choice(opts)
        m, n = shape
        opts = [((m, n), (m, n))] * 3 + [((m, n), ()), ((), (m, n)), ((m, n), (n,)), ((n,), (m, n)),
                                         ((m, n), (1, n)), ((m, n), (m, 1)), ((m, 1), (1, n)),
                                         ((m, 1), (n,))]
        if force == 'bcast_colrow':
            opts = [((m, 1), (1, n)), ((1, n), (m, 1)), ((m, 1), (n,))]
        elif force == 'bcast_rowmat':
            opts = [((m, n), (n,)), ((n,), (m, n)), ((1, n), (m, n)), ((m, n), (1, n))]
        elif force == 'bcast_scalar':
            opts = [((m, n), ()), ((), (m, n))]
        return self.r.choice(opts)

    def rshape(self, kinds=('scalar', 'vector', 'matrix')):
        k = self.r.choice(kinds)
        if k == 'scalar':
            return ()
        if k == 'vector':
            return (self.dim(),)
        return (self.dim(), self.dim())

    def gpos(self, shape, d):
        c = self.r.random()
        if c < 0.25:
            return self.call('exp', self.call('tanh', self.gen(shape, d - 1)))
        if c < 0.45:
            return self.call('softplus', self.gen(shape, d - 1))
        if c < 0.6:
            return self.call('sigmoid', self.gen(shape, d - 1))
        if c < 0.75:
            return self.bin(self.pw(self.atomic(self.gen(shape, d - 1)), self.num(2)), '+', self.num(self.r.choice((0.5, 1, 0.25))))
        if c < 0.85:
            return self.bin(self.num(self.r.choice((1, 2, 1.5))), '+', self.call('exp', self.gen(shape, d - 1)))
        names = [n for n in self.names_of(shape) if smin(self.env[n]) > 0.2]
        if names:
            return (self.r.choice(names), ATOM, 'name')
        return self.call('exp', self.call('tanh', self.gen(shape, d - 1)))

    def gprob(self, shape, d):
        if len(shape) >= 1 and shape[-1] > 1 and self.chance(0.3):
            return self.call('softmax', self.gen(shape, d - 1))
        return self.call('sigmoid', self.gen(shape, d - 1))

    def atomic(self, e):
        return e if e[1] == ATOM else ('(' + e[0] + ')', ATOM, 'paren')

    def prods(self, shape):
        p = ['add', 'sub', 'mul', 'div', 'neg', 'pow_int', 'pow_neg', 'pow_var', 'pow_litbase',
             'exp', 'log', 'sqrt', 'abs', 'sigmoid', 'tanh', 'relu', 'softplus', 'max', 'min',
             'list']
        if len(shape) == 0:
            p += ['sum_all', 'mean_all', 'sum_axis', 'mean_axis', 'dot', 'vv', 'bce', 'bce_logits',
                  'cross_entropy', 'logistic', 'sse', 'mse', 'const_node']
        elif len(shape) == 1:
            p += ['sum_axis', 'mean_axis', 'softmax', 'log_softmax', 'mv', 'vm', 'bcast_scalar',
                  'transpose']
        else:
            p += ['softmax', 'log_softmax', 'transpose', 'mm', 'mm', 'bcast_colrow',
                  'bcast_rowmat', 'bcast_scalar']
        return p

    def gen(self, shape, d, force=None):
        if force is None and (d <= 0 or self.chance(0.25)):
            return self.terminal(shape)
        p = force or self.r.choice(self.prods(shape))
        if force is None and p in ('list',) and self.chance(0.5):
            p = 'add'
        g = lambda s: self.gen(s, d - 1)
        if p in ('add', 'sub', 'mul', 'bcast_colrow', 'bcast_rowmat', 'bcast_scalar'):
            sa, sb = self.split(shape, p if p.startswith('bcast') else None)
            op = {'add': '+', 'sub': '-', 'mul': '*'}.get(p) or self.r.choice('+-*')
            return self.bin(g(sa), op, g(sb))
        if p == 'div':
            sa, sb = self.split(shape)
            den = self.gpos(sb, d - 1)
            if self.chance(0.3):
                den = self.neg(self.atomic(den))
            return self.bin(g(sa), '/', den)
        if p == 'neg':
            return self.neg(g(shape))
        if p == 'pow_int':
            return self.pw(self.atomic(g(shape)), self.num(self.r.choice((2, 2, 3))))
        if p == 'pow_neg':
            return self.pw(self.atomic(self.gpos(shape, d - 1)), self.neg(self.num(self.r.choice((1, 0.5, 2)))))
        if p == 'pow_var':
            base = self.atomic(self.gpos(shape, d - 1))
            es = self.r.choice([(), shape])
            ex = self.call('tanh', g(es)) if self.chance(0.5) else g(es)
            return self.pw(base, ex)
        if p == 'pow_litbase':
            return self.pw(self.num(self.r.choice((2, 0.5, 1.5, 3))), self.call('tanh', g(shape)))
        if p == 'exp':
            inner = g(shape)
            return self.call('exp', self.call('tanh', inner) if self.chance(0.4) else inner)
        if p in ('log', 'sqrt'):
            return self.call(p, self.gpos(shape, d - 1))
        if p in ('abs', 'sigmoid', 'tanh', 'relu', 'softplus', 'softmax', 'log_softmax'):
            return self.call(p, g(shape))
        if p in ('max', 'min'):
            sa, sb = self.split(shape)
            b = self.num(0) if (len(sb) == 0 and self.chance(0.4)) else g(sb)
            return self.call(p, g(sa), b)
        if p == 'list':
            if len(shape) == 0:
                return self.terminal(shape)
            return ('[' + ', '.join(g(shape[1:])[0] for _ in range(shape[0])) + ']', ATOM, 'list')
        if p in ('sum_all', 'mean_all'):
            return self.call(p[:-4], g(self.rshape(('vector', 'matrix', 'matrix'))))
        if p in ('sum_axis', 'mean_axis'):
            f = p[:-5]
            if len(shape) == 0:
                return self.call(f, g((self.dim(),)), self.r.choice([AX0, AXM1]))
            n, k = shape[0], self.dim()
            if self.chance(0.5):
                return self.call(f, g((k, n)), AX0)
            return self.call(f, g((n, k)), self.r.choice([AX1, AXM1]))
        if p == 'transpose':
            if len(shape) == 1:
                return self.call('transpose', g(shape))
            return self.call('transpose', g((shape[1], shape[0])))
        if p in ('dot', 'vv'):
            k = self.dim()
            if p == 'dot':
                return self.call('dot', g((k,)), g((k,)))
            return self.bin(g((k,)), '@', g((k,)))
        if p == 'mm':
            k = self.dim()
            return self.bin(g((shape[0], k)), '@', g((k, shape[1])))
        if p == 'mv':
            k = self.dim()
            return self.bin(g((shape[0], k)), '@', g((k,)))
        if p == 'vm':
            k = self.dim()
            return self.bin(g((k,)), '@', g((k, shape[0])))
        if p == 'const_node':
            return self.terminal(shape)
        if p in ('bce', 'bce_logits', 'cross_entropy', 'logistic', 'sse', 'mse'):
            return self.loss(p, d)
        raise AssertionError(p)

    def loss(self, p, d):
        g = lambda s: self.gen(s, d - 1)
        if p == 'cross_entropy':
            zs = self.rshape(('vector', 'matrix', 'matrix'))
            if zs[-1] == 1:
                zs = zs[:-1] + (2,)
        else:
            zs = self.rshape(('vector', 'matrix', 'vector', 'scalar'))
        ts = zs
        if p == 'cross_entropy' and len(zs) == 2 and self.chance(0.4):
            ts = zs[-1:]                                   # one target row for every row of z
        elif self.chance(0.25) and len(zs) >= 1:
            ts = zs[-1:] if p == 'cross_entropy' else ()   # one target for every element: a scalar
        if p == 'bce':
            z = self.gprob(zs, d)
            t = self.gprob(ts, d) if self.chance(0.2) else self.target(ts, self.r.choice(('binary', 'prob', 'binary')) if ts else 'binary')
            if len(ts) and self.r.random() < 0:
                pass
            return self.call('bce', z, t)
        if p == 'bce_logits':
            t = self.gprob(ts, d) if self.chance(0.2) else self.target(ts, 'binary')
            return self.call('bce_logits', g(zs), t)
        if p == 'cross_entropy':
            c = self.r.random()
            if c < 0.2 and ts:
                t = self.call('softmax', g(ts))
            else:
                t = self.target(ts, 'onehot' if c < 0.65 else 'prob')
            return self.call('cross_entropy', g(zs), t)
        if p == 'logistic':
            t = self.target(ts, 'pm1')
            return self.call('logistic', g(zs), t)
        # sse / mse
        sa, sb = (zs, ()) if len(zs) and self.chance(0.3) else (zs, zs)
        b = self.target(sb, 'real') if self.chance(0.6) else g(sb)
        return self.call(p, g(sa), b)

    # ---- statements -------------------------------------------------------------------
    def try_statement(self, build, tries=40):
        for _ in range(tries):
            self.pending, self.pend_shape = [], {}
            snapshot = self.r.getstate()
            try:
                name, expr = build()
            except RecursionError:
                continue
            lines = self.decl_lines(self.pending)
            lines.append(f'{name} = {expr[0]}')
            try:
                env = dict(self.env)
                kinds = dict(self.kind)
                refs = set()
                for line in lines:
                    (lineno, kind, decls), = parse_program(line)
                    for n, e, _ in decls:
                        refs |= names_in(e)
                        ev = Evaluator(True)
                        if kind == 'node':
                            v = ev.ev(e, env)
                        else:
                            v = ev.ev(e, {k: t for k, t in env.items() if kinds[k] == 'const'})
                        if not bool(torch.isfinite(v).all()) or float(v.abs().max()) > 1e3:
                            raise Reject('large')
                        env[n], kinds[n] = v.detach(), kind
            except Reject:
                for k, n, _ in self.pending:
                    self.names.discard(n)
                self.names.discard(name)
                continue
            self.env, self.kind = env, kinds
            self.used |= refs
            self.lines += lines
            return name
        return None

    def decl_lines(self, pending):
        lines = []
        for kind in ('const', 'input', 'param'):
            ds = [(n, t) for k, n, t in pending if k == kind]
            while ds:
                k = self.r.randint(1, 3)
                chunk, ds = ds[:k], ds[k:]
                lines.append(kind + ' ' + ', '.join(f'{n} = {t}' for n, t in chunk))
        return lines

    def program(self):
        # a few leaves up front
        self.pending, self.pend_shape = [], {}
        for _ in range(self.r.randint(1, 3)):
            self.new_leaf(self.rshape())
        self.lines += self.decl_lines(self.pending)
        for k, n, t in self.pending:
            (_, _, ((_, e, _),)), = parse_program(f'{n} = {t}')
            self.env[n], self.kind[n] = Evaluator(False).ev(e, {}), k
        self.pending = []
        todo = list(self.features) + [None] * self.r.randint(1, 4)
        self.r.shuffle(todo)
        for f in todo:
            def build(f=f):
                if f == 'const_node':
                    c = self.target(self.rshape(('scalar', 'vector')), 'real')
                    e = self.bin(c, self.r.choice('+*'), self.lit(self.rval()))
                    if self.chance(0.3):
                        e = self.call('exp', self.call('tanh', e))
                    return self.fresh('k'), e
                if f == 'alias':
                    names = [n for n in self.env if self.kind[n] != 'const']
                    return self.fresh('h'), (self.r.choice(names), ATOM, 'name')
                shapes = [s for s in [(), (self.dim(),), (self.dim(), self.dim())]
                          if f is None or f in self.prods(s)]
                shape = self.r.choice(shapes)
                return self.fresh(self.r.choice('hzsgpqa')), self.gen(shape, self.r.randint(2, 3), force=f)
            self.try_statement(build)
            if self.chance(0.15):
                self.lines.append(self.r.choice(['', '# ' + self.r.choice(['hidden layer', 'loss terms', 'fan-out below'])]))
        # output: a scalar combining every node nobody uses yet
        def build_out():
            sinks = [n for n in self.env if self.kind[n] == 'node' and n not in self.used]
            if not sinks:
                sinks = [n for n in self.env if self.kind[n] == 'node'][-2:]
            terms = []
            for n in sinks:
                t = self.env[n]
                e = (n, ATOM, 'name')
                if t.dim() > 0:
                    e = self.call(self.r.choice(('sum', 'sum', 'mean')), e)
                if self.chance(0.3):
                    e = self.bin(self.lit(self.rval(0.1, 2)), '*', e)
                terms.append(e)
            e = terms[0]
            for t in terms[1:]:
                e = self.bin(e, self.r.choice('++-'), t)
            return self.fresh(self.r.choice(['y', 'loss', 'L', 'out', 'J'])), e
        out = self.try_statement(build_out)
        if out is None:
            raise Reject('no output')
        return '\n'.join(self.lines) + '\n'


def names_in(e):
    if e[0] == 'name':
        return {e[1]}
    if e[0] in ('num',):
        return set()
    if e[0] == 'neg':
        return names_in(e[1])
    if e[0] == 'bin':
        return names_in(e[2]) | names_in(e[3])
    if e[0] == 'call':
        return set().union(*[names_in(a) for a in e[2]])
    if e[0] == 'list':
        return set().union(*[names_in(a) for a in e[1]])
    raise AssertionError(e)


# ----------------------------------------------------------------------------------
# Hand-picked programs
# ----------------------------------------------------------------------------------
HANDPICKED = {
    'spec_example': '''\
# inputs, parameters and constants are the graph's leaves
input x1 = 1, x2 = -1
param a = 1, b = 1, c = 4, d = 1, e = 2, f = 2

r1 = relu(c*x1 + e*x2)
r2 = max(d*x1 + f*x2, 0)
s1 = sigmoid(a*r1)
s2 = 1 / (1 + exp(-b*r2))
y  = s1 + s2
''',
    'spec_adjoint': '''\
# the spec's "What a reported gradient means": dy/dh = x + 1, dy/dx = h + x + 1
input x = 3
h = x
y = h*x + h
''',
    'const_only_nodes': '''\
# nodes computed only from consts still get their adjoint; leaves from consts are fresh
const c = 2, c2 = c * 3
k = c + 1
m = [c, c2] * k
param w = c2 - 1
input x = [0.5, -1.5]
y = k * sum(x * m) + k^2 + w * c + dot(m, x)
''',
    'precedence': '''\
# ^ binds tighter than unary minus and is right-associative; -2^2 is -4; a^-b is a^(-b)
input a = 1.5, b = 0.7
param c = 2
p1 = -a^2
p2 = a^b^c
p3 = a^-b
p4 = -2^2 * a - -b
p5 = 2^3^0.5 * b / c / 4
p6 = c^-b^2
p7 = a - b - c + a * -b
y = p1 + p2 + p3 + p4 + p5 + p6 + p7
''',
    'lexical': '''\
# lexical corner cases: tabs, no spaces, unusual numerals, names close to reserved words
input\tSum = .5, Exp = 5., _x = 1e-1 # trailing comment
param\tx_1 = 1E+0, Mean = 007, constant = [0.25, 2.5e-1, 25E-2]

   # indented comment
inputs = Sum-_x*Exp-x_1
params=Mean/Exp+inputs^2
Relu	=	sum(constant*params)	 + inputs
y=Relu-1e-3
''',
    'unused_and_late_leaves': '''\
# leaves declared after interior nodes; an unused node gets gradient 0
const t = [1, 0, 0]
input x = [0.3, -1.2, 2.1]
h = softmax(x)
unused = exp(x) * 2
param w = [[0.5, -0.25, 1.0], [1.5, 0.75, -0.5]]
z = w @ h
param v = [1.0, -2.0]
y = dot(v, z) + cross_entropy(x, t)
''',
    'matmul_cases': '''\
# the four 1-D/2-D cases of @, and transpose
param A = [[1, 2, -1], [0.5, -0.3, 0.8]], B = [[0.2, -1], [1.1, 0.4], [-0.7, 0.9]]
input u = [0.3, -0.6, 1.2], v = [-1.1, 0.9]
mm = A @ B
mv = A @ u
vm = v @ A
vv = u @ u
tr = transpose(A) @ v
tv = transpose(u)
y = sum(mm) + dot(mv, v) + sum(vm * u) + vv + sum(tr * tv)
''',
    'stable_softmax': '''\
# logits of magnitude 1000: finite values and gradients
input z = [1000, -1000, 999.5]
param Z = [[1000, 0, -1000], [-1000, 1000, 999]]
const w = [1, 2, 3]
s = softmax(z)
ls = log_softmax(z)
S = softmax(Z)
LS = log_softmax(Z)
y = sum(s * w) + sum(ls * s) + sum(S * w) + sum(LS) / 1000
''',
    'stable_cross_entropy': '''\
# cross_entropy with logits of magnitude 1000, one-hot and probability targets, broadcast
input z = [1000, -1000, 0]
param Z = [[1000, -1000, 999], [-1000, 1000, 1000]]
const t = [0, 1, 0], T = [[1, 0, 0], [0.5, 0.25, 0.25]], r = [0.2, 0.3, 0.5]
a = cross_entropy(z, t)
b = cross_entropy(Z, T)
c = cross_entropy(Z, r)
d = cross_entropy(z, softmax(z / 1000))
y = a / 1000 + b / 1000 + c / 1000 + d / 1000
''',
    'stable_bce_logits': '''\
# bce_logits and logistic with logits of magnitude 1000
input z = [1000, -1000, 1000, -1000, 0.5]
const t = [1, 0, 0, 1, 1], l = [1, -1, -1, 1, -1]
b = bce_logits(z, t)
g = logistic(z, l)
param q = [[1000], [-1000]]
b2 = bce_logits(q, [[0], [1]])
g2 = logistic(q, [[1], [-1]])
y = (b + g + b2 + g2) / 1000
''',
    'stable_softplus': '''\
# softplus of +-1000 and near the origin; sigmoid/tanh saturate without NaN
input z = [1000, -1000, 0.5, -0.5]
s = softplus(z)
g = sigmoid(z)
h = tanh(z)
y = sum(s) / 1000 + sum(g) + sum(h)
''',
    'losses_differentiable_targets': '''\
# a loss's second argument is differentiated when it is not a const
input p = [0.2, 0.7, 0.9], q = [0.6, 0.4, 0.3]
param z = [0.5, -1.5, 2.0]
a = bce(p, q)
b = bce_logits(z, q)
c = cross_entropy(z, softmax(q))
d = logistic(z, q * 2 - 1)
e = sse(p, q) + mse(z, q)
y = a + b + c + d + e
''',
    'max_min_broadcast': '''\
# max/min broadcasting scalar, vector, column and row; relu and abs away from 0
input x = [[0.5, -1.2, 2.0], [1.5, 0.35, -0.7]]
param col = [[0.1], [1.0]], row = [[-0.5, 0.6, 1.2]], s = 0.25
a = max(x, col)
b = min(x, row)
c = max(s, x)
d = min(col, row)
e = relu(x) + abs(x)
y = sum(a) + sum(b * 2) + mean(c) + sum(d) + sum(e * x)
''',
    'reductions_axes': '''\
# sum/mean over all elements and over axes 0, 1 and -1
input M = [[1, 2, 3], [4, 5, -6]]
param v = [0.5, -1.5, 2.5]
s0 = sum(M, 0)
s1 = sum(M, 1)
sl = sum(M, -1)
m0 = mean(M, 0)
m1 = mean(M, -1)
v0 = sum(v, 0)
vl = mean(v, -1)
y = dot(s0, v) + sum(s1 * sl) + sum(m0^2) + sum(m1) * v0 + vl + mean(M) + sum(M)
''',
    'power_starstar': '''\
# ** is ^: right-associative, tighter than unary minus, a unary minus allowed on its right
input a = 1.5, b = 0.7
param c = 2
p1 = -a**2
p2 = a**b^c
p3 = a**-b
p4 = 2**3**0.5 * b
p5 = c**-b**2 + [a, b]**2 @ [1, -1]
y = p1 + p2 + p3 + p4 + p5
''',
    'indexing': '''\
# 0-based indexing, negative from the end: elements, rows and columns; gradients reach the selected elements only
input v = [0.5, -1.5, 2.5]
param M = [[1, 2, 3], [-4, 5, 6]]
a = v[0] * v[-1] + v[1]^2
b = M[1, 2] - M[0, -1] * M[-1, 0]
r = M[1, :] + M[-2, :] * 2
c = M[:, 0] * M[:, -1]
d = softmax(v)[2] + (M @ v)[1] + [a, b][0]
y = a + b + sum(r * v) + sum(c) + d
''',
    'reshape_flatten': '''\
# reshape to a vector or a matrix (row-major), flatten a matrix and a scalar
input v = [0.5, -1.5, 2.5, 1, -0.25, 3]
param M = [[1, 2, 3], [-4, 5, 6]]
A = reshape(v, 2, 3)
B = reshape(M, 3, 2)
f = flatten(M)
g = reshape(M, 6)
s = flatten(v[0] * 2)
y = sum(A * M) + sum(B @ M) + dot(f, v) + sum(g^2) + sum(s)
''',
    'logsumexp_ln': '''\
# logsumexp over all elements and over each axis, computed stably (logits of magnitude 1000); ln is log
input z = [1000, -1000, 999.5]
param Z = [[1, 2, -3], [0.5, -1, 2]], W = [[1000, -1000], [999, 1000]]
a = logsumexp(z)
b = logsumexp(Z)
c = logsumexp(Z, 0)
d = logsumexp(Z, 1)
e = logsumexp(Z, -1)
f = logsumexp(W, 1)
g = logsumexp(z, 0)
h = ln(exp(Z) + 1)
y = a / 1000 + b + dot(c, [1, 2, 3]) + sum(d * e) + sum(f) / 1000 + g / 1000 + sum(h)
''',
    'loss_scalar_targets': '''\
# a loss's second argument may be a scalar, one target for every element; otherwise shapes are equal
input p = [[0.2, 0.7], [0.9, 0.4]]
param z = [[0.5, -1.5], [2.0, 0.25]], F = [[0.3], [-0.8]]
const Y = [[1], [-1]]
a = bce(p, 0.5)
b = bce_logits(z, 1)
c = logistic(F, Y) + logistic(flatten(F), -1)
d = sse(z, 0.5) + mse(p, 0.25)
e = cross_entropy(z, 0.5)
y = a + b + c + d + e
''',
    'list_literals': '''\
# list literals of differentiable scalars (vector) and of vectors (matrix), with fan-out
input a = 0.7, b = -1.3
param u = [1, 2], v = [-0.5, 0.25]
vec = [a, b, a * b, 1/3]
mat = [u, v, u * a]
mat2 = [[a, b], [b, 1]]
y = sum(vec^2) + sum(mat @ v) + sum(mat2 @ u) + a
''',
}


# ----------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------
HEADER = '# generated by tools/golden/make_golden.py ({what}); do not edit, regenerate instead\n'


def verify(prog, seed, tol_fd=1e-6):
    """All self-checks; returns (values, grads, tags) or raises Reject/AssertionError."""
    values, grads, tags, raw = prog.run(checks=True)
    check_translation(prog, raw)
    check_fd(prog, values, grads, tol_fd)
    check_conditioning(prog, values, grads, seed)
    return values, grads, tags


def make_random(index, count):
    nf = len(FEATURES)
    per = 4
    feats = [FEATURES[(index * per + j) % nf] for j in range(per)]
    for attempt in range(200):
        seed = BASE_SEED + 1000 * index + attempt
        try:
            text = Gen(seed, feats).program()
            prog = Program(text)
            values, grads, tags = verify(prog, seed)
        except Reject:
            continue
        return seed, feats, text, prog, values, grads, tags
    raise RuntimeError(f'could not generate program {index}')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--out', default=os.path.join(here, '..', '..', 'backprop-core', 'src', 'test',
                                                  'resources', 'golden'))
    ap.add_argument('--count', type=int, default=90, help='number of random programs')
    ap.add_argument('--verify', action='store_true',
                    help='re-run every self-check on the committed fixtures in --out and compare '
                         'them with a fresh computation; writes nothing')
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    check_cross_oracles(None)

    fixtures = []   # (name, bp_text, json_text, tags)
    for name, src in HANDPICKED.items():
        text = HEADER.format(what='hand-picked') + src
        prog = Program(text)
        values, grads, tags = verify(prog, 0)
        fixtures.append((name, text, to_json(prog, values, grads), tags))
    for i in range(args.count):
        seed, feats, text, prog, values, grads, tags = make_random(i, args.count)
        text = HEADER.format(what=f'random, seed {seed}, features {" ".join(feats)}') + text
        prog = Program(text)
        values2, grads2, _ = verify(prog, seed)
        fixtures.append((f'random_{i:03d}', text, to_json(prog, values2, grads2), tags))

    tags = set().union(*[f[3] for f in fixtures])
    required = ['add', 'sub', 'mul', 'div', 'neg', 'pow:literal-exponent',
                'pow:literal-exponent:negative-base', 'pow:differentiable-exponent', 'exp', 'log',
                'sqrt', 'abs', 'sigmoid', 'tanh', 'relu', 'softplus', 'max', 'min', 'max:broadcast',
                'min:broadcast', 'sum:all:1d', 'sum:all:2d', 'mean:all:1d', 'mean:all:2d',
                'sum:axis0:1d', 'sum:axis-1:1d', 'sum:axis0:2d', 'sum:axis1:2d', 'sum:axis-1:2d',
                'mean:axis0:1d', 'mean:axis-1:1d', 'mean:axis0:2d', 'mean:axis1:2d', 'mean:axis-1:2d',
                'softmax:1d', 'softmax:2d', 'log_softmax:1d', 'log_softmax:2d', 'transpose:1d',
                'transpose:2d', 'dot', 'matmul:2d@2d', 'matmul:2d@1d', 'matmul:1d@2d', 'matmul:1d@1d',
                'list:vector', 'list:matrix', 'list:differentiable', 'bce', 'bce_logits',
                'cross_entropy:1d', 'cross_entropy:2d', 'cross_entropy:broadcast', 'logistic', 'sse',
                'mse', 'bce:scalar-target', 'bce_logits:scalar-target', 'sse:scalar-target',
                'mse:scalar-target', 'ln', 'flatten:all:2d', 'flatten:all:0d', 'reshape:1d->2d',
                'reshape:2d->1d', 'reshape:2d->2d', 'logsumexp:all:1d', 'logsumexp:all:2d',
                'logsumexp:axis0:2d', 'logsumexp:axis1:2d', 'logsumexp:axis-1:2d', 'logsumexp:axis0:1d',
                'index:k', 'index:neg', 'index:k,k', 'index:k,:', 'index:neg,:', 'index:k,neg',
                'index::,k', 'index::,neg', 'pow:starstar',
                'broadcast:column/row', 'broadcast:matrix/vector', 'broadcast:scalar/vector',
                'broadcast:matrix/scalar', 'broadcast:matrix/row',
                'bce:differentiable-second-arg', 'bce_logits:differentiable-second-arg',
                'cross_entropy:differentiable-second-arg', 'logistic:differentiable-second-arg',
                'sse:differentiable-second-arg', 'mse:differentiable-second-arg']
    missing = [t for t in required if t not in tags]
    if missing:
        raise SystemExit(f'coverage incomplete: {missing}')

    if args.verify:
        bad = 0
        for name, text, js, _ in fixtures:
            for ext, want in (('.bp', text), ('.json', js)):
                path = os.path.join(out, name + ext)
                have = open(path).read() if os.path.exists(path) else None
                if have != want:
                    print(f'DIFFERS: {path}')
                    bad += 1
        extra = sorted(set(os.listdir(out)) - {f[0] + e for f in fixtures for e in ('.bp', '.json')}) \
            if os.path.isdir(out) else []
        for e in extra:
            print(f'UNEXPECTED: {e}')
        print(f'{len(fixtures)} fixtures re-derived and self-checked; '
              f'{bad + len(extra)} differences')
        sys.exit(1 if bad or extra else 0)

    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith('.bp') or f.endswith('.json'):
            os.remove(os.path.join(out, f))
    for name, text, js, _ in fixtures:
        with open(os.path.join(out, name + '.bp'), 'w') as fh:
            fh.write(text)
        with open(os.path.join(out, name + '.json'), 'w') as fh:
            fh.write(js)
    print(f'wrote {len(fixtures)} fixtures ({len(HANDPICKED)} hand-picked, {args.count} random) '
          f'to {out}; torch {torch.__version__}')
    counts = {}
    for f in fixtures:
        for t in f[3]:
            counts[t] = counts.get(t, 0) + 1
    print('coverage (tag: number of fixtures):')
    for t in sorted(counts):
        print(f'  {t}: {counts[t]}')


if __name__ == '__main__':
    main()

"""A project template is code a pull request can change: it runs in Jinja's sandbox."""

from __future__ import annotations

import pytest

from conftest import MINIMAL, run_limited


@pytest.mark.parametrize("expression, message", [
    ("cycler.__init__.__globals__.os.popen('touch pwned').read()", "access to attribute '__init__' of 'type' object is unsafe."),
    ("''.__class__.__mro__[1].__subclasses__()", "access to attribute '__class__' of 'str' object is unsafe."),
    ("deal.issues.append(1)", "access to attribute 'append' of 'list' object is unsafe."),
    ("'x' * 100000000", "a repetition of over 8,388,608 items is not allowed in a template"),
    ("[1] * 100000000", "a repetition of over 8,388,608 items is not allowed in a template"),
    ("10 ** 100000000", "an exponent over 100 is not allowed in a template"),
])
def test_a_project_template_reaches_no_python_internals(make_project, expression, message):
    project = make_project({"playbooks/g.yaml": MINIMAL, "templates/internal.html":
                            '{% extends "builtin/internal.html" %}\n{% block running %}{{ ' + expression + ' }}{% endblock %}\n'})
    # in a capped child: without the sandbox, the last three would eat the machine's memory or CPU
    result = run_limited(["build", "--no-pdf"], project.root, memory_mb=300, cpu_s=10)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr[-2000:]
    assert stderr.splitlines()[0] == f"templates/internal.html:2: error template: {message}"
    assert not (project.root / "pwned").exists() and not (project.root / "build").exists()


def test_ordinary_template_expressions_still_work(make_project):
    project = make_project({"playbooks/g.yaml": MINIMAL, "templates/internal.html": (
        '{% extends "builtin/internal.html" %}\n{% block running %}{{ "=" * 3 }}{{ 2 ** 10 }}'
        '{{ deal.title|upper }}{% for i in range(3) %}{{ i }}{% endfor %}{% endblock %}\n')})
    result = project.run("build", "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "===1024GUIDE012" in (project.root / "build/g.html").read_text()


def test_the_sandbox_remembers_its_rule_per_type_and_name_not_per_name():
    """The rule's answers are kept per (type, attribute): a name safe on one type (``clear`` on a
    plain object) stays unsafe on another (``clear`` on a dict), in either order."""
    import jinja2
    from jinja2.sandbox import SecurityError

    from negdocs.render.render import _Sandbox

    class Plain:
        clear = "a plain attribute"

    for order in ("{{ obj.clear }}{{ d.clear() }}", "{{ d.clear() }}{{ obj.clear }}"):
        env = _Sandbox(undefined=jinja2.StrictUndefined)
        data = {"d": {"k": 1}}
        with pytest.raises(SecurityError, match="'clear' of 'dict' object is unsafe"):
            env.from_string(order).render(obj=Plain(), **data)
        assert data["d"] == {"k": 1}
        assert env.from_string("{{ obj.clear }}").render(obj=Plain()) == "a plain attribute"
    assert len(env._safe) == 2  # remembered: (dict, 'clear') and (Plain, 'clear')


def test_the_remembered_rule_follows_the_class_an_object_reports_and_abc_registrations():
    """Found in review: a weakref proxy's type is the proxy's for every object it wraps, and
    registering a class with a collection ABC changes Jinja's answer: neither may reuse an old one."""
    import collections.abc
    import weakref

    import jinja2
    from jinja2.sandbox import SecurityError

    from negdocs.render.render import _Sandbox

    class Stack:
        def pop(self):
            return "popped"

    class Record(dict):
        pass

    env = _Sandbox(undefined=jinja2.StrictUndefined)
    stack, record = Stack(), Record(x=1)
    assert env.from_string("{{ s.pop() }}").render(s=weakref.proxy(stack)) == "popped"
    with pytest.raises(SecurityError, match="'pop'"):
        env.from_string("{{ r.pop('x') }}").render(r=weakref.proxy(record))
    assert record == {"x": 1}

    class Items:
        def append(self, item):
            return "appended"

    assert env.from_string("{{ i.append(1) }}").render(i=Items()) == "appended"
    collections.abc.MutableSequence.register(Items)
    with pytest.raises(SecurityError, match="'append'"):
        env.from_string("{{ i.append(1) }}").render(i=Items())

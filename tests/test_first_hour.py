"""A new user's first hour: init asks well, the profile can be changed, nothing trips."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from takehome.cli import cli
from takehome.model.topic import TopicLibrary
from takehome.profile.answers import ask, check_answer

SCRIPT = Path(sys.executable).parent / "takehome"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


# --- init checks each answer as it is typed -------------------------------------------


def scripted(answers, confirms=()):
    """prompt/confirm/say for `ask`, answering from lists; records what was said."""
    answers, confirms, said = list(answers), list(confirms), []
    return (
        lambda text: answers.pop(0),
        lambda text: said.append(text) or confirms.pop(0),
        said.append,
        said,
    )


def test_a_bad_email_is_asked_again_and_a_good_one_kept():
    prompt, confirm, say, said = scripted(["zoe at studio.com", "zoe@studio.com"])
    assert ask("email", "Email", prompt, confirm, say) == "zoe@studio.com"
    assert len(said) == 1 and "is not a valid email address" in said[0]


def test_a_booking_link_without_https_gets_it_after_asking():
    prompt, confirm, say, said = scripted(["book.studio.com/zoe"], [True])
    assert ask("booking_link", "Link", prompt, confirm, say) == "https://book.studio.com/zoe"
    assert said == ["Use https://book.studio.com/zoe (with https:// added)?"]
    # Said no: asked again.
    prompt, confirm, say, said = scripted(["book.studio.com", "https://b.example/z"], [False])
    assert ask("booking_link", "Link", prompt, confirm, say) == "https://b.example/z"


def test_a_colour_name_is_answered_with_the_palette():
    assert check_answer("brand_color", "Sage  Green").value == "#4a6b4f"
    unknown = check_answer("brand_color", "blue-ish")
    assert unknown.value is None and "sage green #4a6b4f" in unknown.problem
    assert check_answer("brand_color", "7B3F61").value == "#7b3f61"


def test_letter_and_enter_are_fine():
    assert check_answer("paper", "Letter").value == "letter"
    assert check_answer("paper", " A4 ").value == "a4"
    assert check_answer("phone", "").value is None  # Enter skips
    assert check_answer("paper", "legal").problem.startswith("'legal' is not a paper size")


def _type_into_init(cwd: Path, lines: list[str]) -> tuple[int, str]:
    """Run the installed `takehome init` on a real terminal (a pty) and type ``lines``."""
    main, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "200"}
    process = subprocess.Popen(
        [str(SCRIPT), "init", "takehome.toml"],
        cwd=cwd,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    os.write(main, "".join(line + "\n" for line in lines).encode())
    output = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the other end closed: the command ended
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    os.close(main)
    return process.wait(timeout=10), output.decode(errors="replace")


def test_init_on_a_real_terminal_asks_again_and_keeps_the_other_answers(tmp_path):
    answers = [
        "Harbour Massage",  # name
        "Zoe Lee",  # therapist
        "LMT",  # credentials
        "555-0100",  # phone
        "zoe at studio.com",  # email: refused ...
        "zoe@studio.com",  # ... and asked again
        "",  # website
        "",  # address
        "book.studio.com/zoe",  # booking link, without https://
        "y",  # add it? yes
        "",  # logo
        "sage green",  # brand colour, by name
        "y",  # use #4a6b4f? yes
        "Letter",  # paper
        "",  # folder
    ]
    code, output = _type_into_init(tmp_path, answers)
    assert code == 0, output
    assert "is not a valid email address" in output
    text = (tmp_path / "takehome.toml").read_text()
    for line in (
        'name = "Harbour Massage"',
        'therapist = "Zoe Lee"',
        'phone = "555-0100"',
        'email = "zoe@studio.com"',
        'booking_link = "https://book.studio.com/zoe"',
        'brand_color = "#4a6b4f"',
        'paper = "letter"',
    ):
        assert line in text


# --- Changing a profile later -----------------------------------------------------------


def test_config_set_changes_one_value_and_keeps_the_comments(run):
    assert run("init", "takehome.toml", "--no-input", "--name", "Harbour").exit_code == 0
    before = Path("takehome.toml").read_text()
    result = run("config", "set", "practice.phone", "555-0101")
    assert result.exit_code == 0, result.output
    assert result.output == f"Set practice.phone = 555-0101 in {Path.cwd() / 'takehome.toml'}\n"
    after = Path("takehome.toml").read_text()
    assert 'phone = "555-0101"' in after and 'name = "Harbour"' in after
    assert [line for line in before.splitlines() if line.startswith("#")] == [
        line for line in after.splitlines() if line.startswith("#")
    ]
    assert "555-0101" in run("config").output

    assert run("config", "set", "email.port", "2525").exit_code == 0
    assert "port = 2525\n" in Path("takehome.toml").read_text()
    assert run("config", "set", "practice.phone", "").exit_code == 0
    assert "555-0101" not in Path("takehome.toml").read_text()


def test_config_set_refuses_a_bad_value_and_leaves_the_file_alone(run):
    run("init", "takehome.toml", "--no-input", "--name", "Harbour")
    before = Path("takehome.toml").read_bytes()
    bad = run("config", "set", "practice.email", "zoe at studio.com")
    assert bad.exit_code == 1 and bad.output.startswith(
        "Error: practice.email: 'zoe at studio.com' is not a valid email address"
    )
    typo = run("config", "set", "practice.phnoe", "555")
    assert typo.output == "Error: practice.phnoe: not a setting; did you mean practice.phone?\n"
    for key, value in (
        ("email.timeout", "inf"),  # would overflow the socket timer
        ("practice.logo", "missing.png"),
        ("library.handouts", "no-such-folder"),
        ("output.paper", "legal"),
    ):
        refused = run("config", "set", key, value)
        assert refused.exit_code == 1 and key in refused.output.splitlines()[0], key
    # A value fine alone but wrong with the rest: refused, naming the file.
    run("config", "set", "email.host", "smtp.example.com")
    run("config", "set", "email.username", "zoe")
    before = Path("takehome.toml").read_bytes()
    clash = run("config", "set", "email.security", "none")
    assert clash.exit_code == 1 and "the password would cross the network unencrypted" in (
        clash.output
    )
    assert clash.output.rstrip().endswith("(nothing was changed)")
    assert Path("takehome.toml").read_bytes() == before


def test_config_set_completes_a_link_or_a_colour_and_says_what_it_stored(run, tmp_path):
    run("init", "takehome.toml", "--no-input", "--name", "Harbour")
    link = run("config", "set", "practice.booking_link", "book.example/z")
    assert link.output.startswith("Set practice.booking_link = https://book.example/z in ")
    colour = run("config", "set", "practice.brand_color", "Sage Green")
    assert colour.output.startswith("Set practice.brand_color = #4a6b4f in ")
    Path("mine").mkdir()
    folder = run("config", "set", "library.handouts", "mine")
    assert folder.exit_code == 0, folder.output
    assert f'handouts = "{tmp_path / "mine"}"' in Path("takehome.toml").read_text()
    assert run("config").exit_code == 0  # the profile still loads from anywhere


def test_config_set_on_a_linked_profile_changes_its_target(run):
    real = Path("real.toml")
    real.write_text('[practice]\nname = "Harbour"\n')
    real.chmod(0o644)
    Path("takehome.toml").symlink_to(real)
    assert run("config", "set", "practice.phone", "555").exit_code == 0
    assert Path("takehome.toml").is_symlink()
    assert 'phone = "555"' in real.read_text() and real.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('practice = "oops"\n', "practice is not a [practice] table; fix the file first"),
        ("[[practice]]\nname = 'x'\n", "practice is not a [practice] table; fix the file first"),
        (b"[practice]\nname = 'Caf\xe9'\n", "the file is not UTF-8 text; save it as UTF-8"),
    ],
)
def test_config_set_on_a_strange_profile_is_one_line(run, text, message):
    path = Path("takehome.toml")
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    result = run("config", "set", "practice.phone", "555")
    assert result.exit_code == 1
    assert result.output == f"Error: {path.resolve()}: {message}\n"


def test_config_set_without_a_profile_says_to_create_one(run):
    result = run("config", "set", "practice.phone", "555")
    assert result.exit_code == 1
    assert result.output == (
        "Error: no practice profile yet; create one with `takehome init` first\n"
    )


def test_init_customize_never_leaves_half_a_library(run, tmp_path):
    Path("broken.toml").write_text('[practice]\nphnoe = "555"\n')
    broken = run("init", "broken.toml", "--customize", "lib")
    assert broken.exit_code == 1 and "unknown key practice.phnoe" in broken.output
    assert "nothing was copied" in broken.output and not Path("lib").exists()
    Path("afile").write_text("")
    into_file = run("init", "new.toml", "--no-input", "--customize", "afile/lib")
    assert into_file.exit_code == 1 and into_file.output.startswith("Error: afile")
    assert not Path("new.toml").exists()
    Path("lib2").mkdir()
    Path("lib2/handouts").symlink_to("nowhere")
    dangling = run("init", "new.toml", "--no-input", "--customize", "lib2")
    assert dangling.exit_code == 1 and "already exists" in dangling.output
    assert not Path("lib2/templates").exists() and not Path("new.toml").exists()
    no_place = run("init", "afile/t.toml", "--no-input", "--customize", "lib3")
    assert no_place.exit_code == 1 and no_place.output.startswith("Error: afile")
    assert not Path("lib3").exists()


def test_init_customize_on_an_existing_profile_adds_the_library(run, tmp_path):
    run("init", "takehome.toml", "--no-input", "--name", "Harbour", "--phone", "555-0100")
    result = run("init", "takehome.toml", "--customize", "mine")
    assert result.exit_code == 0, result.output
    text = Path("takehome.toml").read_text()
    assert 'name = "Harbour"' in text and 'phone = "555-0100"' in text
    assert f'templates = "{(tmp_path / "mine" / "templates").resolve()}"' in text
    checked = run("check")
    assert checked.exit_code == 0, checked.output
    # Each topic file counted once: the built-ins the copies replace are not checked.
    builtins = len(TopicLibrary().keys())
    assert checked.output.splitlines()[-1].startswith(f"Checked {builtins} topic file(s)")


# --- Placeholders, send before a mail server ----------------------------------------------


def test_an_unfinished_new_topic_is_never_printed(run):
    assert run("new", "hamstrings").exit_code == 0
    checked = run("--handouts", ".", "check")
    assert checked.exit_code == 1
    # Every placeholder at once, and how to name the condition.
    assert (
        f"Error: {Path('hamstrings.toml')}: intro, during[1], stretches[1].name, "
        "stretches[1].steps[1], stretches[1].steps[2], conditions.example-condition still "
        "hold the placeholder text of `takehome new`; write your own text there, and rename "
        "[conditions.example-condition] to your condition's key (lower-case words joined by "
        "hyphens, like [conditions.knee-pain])\n"
    ) in checked.output
    made = run("--handouts", ".", "make", "hamstrings", "--client", "Ana")
    assert made.exit_code == 1 and "placeholder" in made.output
    Path("clients.csv").write_text("Name,Service\nAna,Hamstrings Massage 60 min\n")
    batch = run("--handouts", ".", "batch", "clients.csv")
    assert batch.exit_code == 1 and "row 2:" in batch.output and "placeholder" in batch.output
    assert not Path("handouts-out").exists()


def test_a_send_dry_run_before_any_mail_server_is_set(run):
    run("init", "takehome.toml", "--no-input", "--name", "Harbour")
    result = run("send", "glutes", "--client", "Ana Silva", "--to", "ana@example.com")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Before a real send, set email.host and email.from_address in "
        f"{Path.cwd() / 'takehome.toml'}."
    )
    assert list(Path("handouts-out").glob("*.eml"))
    real = run("send", "glutes", "--client", "Ana Silva", "--to", "ana@example.com", "--send")
    assert real.exit_code == 1
    assert real.output == (
        f"Error: {Path.cwd() / 'takehome.toml'}: email.host and email.from_address are not "
        "set; add your mail server's name and the address to send from\n"
    )


def test_every_placeholder_of_the_skeleton_is_caught_and_real_text_is_not(tmp_path):
    from takehome.model.new_topic import NEW_TOPIC, new_topic_text
    from takehome.model.topic import PLACEHOLDERS, TopicFileError, load_topic

    for placeholder in PLACEHOLDERS:
        assert placeholder in NEW_TOPIC
    path = tmp_path / "legs.toml"
    text = new_topic_text("legs")
    replacements = {
        "Replace this with a short paragraph about these muscles.": "Your legs carry you.",
        "Replace this with what happens during the massage.": "Your therapist works slowly.",
        "Replace with the stretch's name": "Calf stretch",
        '"First step."': '"Stand facing a wall."',
        '"Second step."': '"Step one foot back."',
        "example-condition": "tired-legs",
        "Example condition": "Tired legs",
        "Replace with advice for clients who have this condition.": "Replace with a warm pack "
        "after the first day.",  # real advice that happens to start like a placeholder
    }
    # Leaving any one of them in stops the topic.
    for left in replacements:
        partial = text
        for placeholder, own in replacements.items():
            if placeholder != left:
                partial = partial.replace(placeholder, own)
        path.write_text(partial)
        with pytest.raises(TopicFileError, match="placeholder text of `takehome new`"):
            load_topic(path)
    for placeholder, own in replacements.items():
        text = text.replace(placeholder, own)
    path.write_text(text)
    assert load_topic(path).topic.stretches[0].steps == [
        "Stand facing a wall.",
        "Step one foot back.",
    ]


def test_every_bad_init_flag_is_named_in_one_run(run):
    result = run(
        "init",
        "takehome.toml",
        "--no-input",
        "--brand-color",
        "blue",
        "--paper",
        "legal",
        "--email",
        "x@",
        "--logo",
        "nope.png",
        "--name",
        "Harbour",
    )
    assert result.exit_code == 1
    errors = result.output.splitlines()
    assert sorted(line.split(":", 2)[1].strip() for line in errors) == [
        "--brand-color",
        "--email",
        "--logo",
        "--paper",
    ]
    assert not Path("takehome.toml").exists()


def test_init_into_a_folder_and_names_for_colours(run):
    Path("studio").mkdir()
    result = run("init", "studio", "--no-input", "--brand-color", "plum", "--name", "Harbour")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        "Note: --brand-color: stored as #5e3a5e",
        f"Wrote {Path('studio') / 'takehome.toml'}",
    ]
    assert 'brand_color = "#5e3a5e"' in Path("studio/takehome.toml").read_text()
    prompt, confirm, say, said = scripted(["navy"])
    assert ask("brand_color", "Colour", prompt, confirm, say) == "#1f3b63"
    assert said == ["  navy is #1f3b63"]  # said, not asked


def test_config_speaks_toml_and_points_the_way(run):
    run("init", "takehome.toml", "--no-input", "--name", "Harbour")
    assert "  require_consent = false" in run("config").output.splitlines()
    password = run("config", "set", "email.password", "secret")
    assert password.exit_code == 1 and "TAKEHOME_SMTP_PASSWORD" in password.output
    assert "secret" not in Path("takehome.toml").read_text()
    short = run("config", "set", "phone", "555")
    assert short.output == "Error: phone: not a setting; did you mean practice.phone?\n"


def test_init_customize_again_uses_the_copies_already_there(run, tmp_path):
    run("init", "one.toml", "--no-input", "--customize", "lib")
    (tmp_path / "lib" / "templates" / "print.css").write_text("/* mine */\n")
    result = run("init", "two.toml", "--no-input", "--customize", "lib")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "Using the templates and handouts already in lib; edit them there."
    )
    assert (tmp_path / "lib" / "templates" / "print.css").read_text() == "/* mine */\n"


def test_a_placeholder_sentence_left_in_a_paragraph_is_caught(tmp_path):
    from takehome.model.topic import TopicFileError, load_topic

    text = Path(__file__).parent.parent / "handouts" / "glutes.toml"
    path = tmp_path / "glutes.toml"
    original = text.read_text()
    path.write_text(
        original.replace(
            'intro = """', 'intro = """Replace this with a short paragraph about these muscles. ', 1
        )
    )
    with pytest.raises(TopicFileError, match="intro still holds the placeholder text"):
        load_topic(path)


def test_the_practice_email_as_sender_must_be_an_address(run):
    Path("takehome.toml").write_text(
        '[practice]\nname = "Calm"\nemail = "info (at) calm.example"\n'
        '[email]\nhost = "smtp.example.com"\n'
    )
    checked = run("check")
    assert checked.exit_code == 1
    assert "practice.email: 'info (at) calm.example' is not an email address" in checked.output
    Path("takehome.toml").write_text(
        '[practice]\nname = "Calm"\nemail = "info (at) calm.example"\n'
    )
    dry = run("send", "glutes", "--client", "Bo Li", "--to", "bo@example.com")
    assert dry.output.splitlines()[-1].startswith(
        "Before a real send, set email.host and email.from_address in "
    )


def test_a_dry_run_shows_what_the_sent_log_warns_of(run):
    Path("handouts-out").mkdir()
    Path("handouts-out/sent-log.jsonl").write_text('{"time": "2026-11-25T10:00:00+00:00", "st')
    dry = run("send", "glutes", "--client", "Bo Li", "--to", "bo@example.com")
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Warning: ") and "the last line was cut off" in dry.output


def test_config_set_checks_email_values_even_in_a_profile_broken_elsewhere(run):
    Path("takehome.toml").write_text('[practice]\nname = "X"\nbogus = 1\n')
    result = run("config", "set", "email.from_address", "not an address")
    assert result.exit_code == 1 and "email.from_address" in result.output
    assert "from_address" not in Path("takehome.toml").read_text()


def test_config_set_takes_a_ca_file_from_where_you_are(run, tmp_path):
    import trustme

    run("init", "profile/takehome.toml", "--no-input", "--name", "X")
    trustme.CA().cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    result = run("--config", "profile/takehome.toml", "config", "set", "email.ca_file", "ca.pem")
    assert result.exit_code == 0, result.output
    assert f'ca_file = "{tmp_path / "ca.pem"}"' in Path("profile/takehome.toml").read_text()


def test_customize_adopts_only_its_own_copies_and_sweeps_only_its_own_leftovers(run):
    Path("lib/templates").mkdir(parents=True)
    Path("lib/handouts").mkdir()
    planted = run("init", "a.toml", "--no-input", "--customize", "lib")
    assert planted.exit_code == 1 and "already exists" in planted.output
    Path("lib2/.takehome-copy-mine").mkdir(parents=True)
    (Path("lib2/.takehome-copy-mine") / "data").write_text("mine")
    assert run("init", "b.toml", "--no-input", "--customize", "lib2").exit_code == 0
    assert (Path("lib2/.takehome-copy-mine") / "data").read_text() == "mine"


def test_init_path_forms(run):
    assert run("init", "newdir/", "--no-input", "--name", "X").exit_code == 0
    assert Path("newdir/takehome.toml").is_file()
    Path("dangling.toml").symlink_to("nowhere.toml")
    result = run("init", "dangling.toml", "--no-input", "--customize", "lib")
    assert result.exit_code == 1 and result.output.startswith(
        "Error: dangling.toml: already exists"
    )
    assert not Path("lib").exists()

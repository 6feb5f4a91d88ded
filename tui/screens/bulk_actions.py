"""What the image keys do when images are marked: every marked image, after one confirmation.

With marks in the list, delete, ``p``, ``m``, ``d`` and ``D`` act on every marked image
instead of the one under the cursor. A dialog lists them all first, with the ones that
will be skipped and why; then a worker does each image on its own, so one that fails is
reported and the rest go on, and the result is one notification. What was skipped or
failed stays marked, to look at or try again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..dialogs.bulk import BulkDialog, BulkField
from ..dialogs.download import default_file_name
from ..model import Change, Image, ImageStatus, Visibility, describe_error
from ..transfers.local_files import safe_file_name
from .image_actions import ImageActions


@dataclass(frozen=True, slots=True)
class BulkAction:
    """One action on many images.

    ``skip(image)`` says why an image is left out ("" to act on it); ``run(image, value)``
    acts on one image with the dialog's value and may still answer a reason to skip it;
    ``prepare(value)`` turns the value into what ``run`` needs (a project name into its id)
    once, before the first image.
    """

    title: str
    past: str
    note: str
    skip: Callable[[Image], str]
    run: Callable[[Image, str], Awaitable[str]]
    field: BulkField | None = None
    prepare: Callable[[str], Awaitable[str]] | None = None


@dataclass(slots=True)
class Outcome:
    """What a bulk action did, image by image."""

    past: str
    done: list[Image] = field(default_factory=list)
    skipped: list[tuple[Image, str]] = field(default_factory=list)
    failed: list[tuple[Image, str]] = field(default_factory=list)

    @property
    def left(self) -> list[str]:
        """Ids of the images not acted on, which stay marked."""
        return [image.id for image, _ in (*self.skipped, *self.failed)]

    def summary(self) -> str:
        """``Deleted 4, 1 protected skipped, 1 failed (web: Conflict …)``."""
        parts = [f"{self.past} {len(self.done)}"]
        parts += [f"{count} {why} skipped" for why, count in Counter(why for _, why in self.skipped).items()]
        if self.failed:
            image, message = self.failed[0]
            parts.append(f"{len(self.failed)} failed ({image.label}: {message})")
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]


def directory(text: str) -> str:
    """The download directory typed, or a ValueError saying why it cannot be used."""
    if not text.strip():
        raise ValueError("type the directory to download the images into")
    path = Path(text.strip()).expanduser()
    if not path.is_dir():
        raise ValueError(f"directory {path} does not exist")
    return str(path)


def project(text: str) -> str:
    if not text.strip():
        raise ValueError("type the project (name or id) to share the images with")
    return text.strip()


class BulkActions(ImageActions):
    """Marked images first: each key below falls back to the image under the cursor."""

    def may_change(self, image: Image) -> bool:
        return self.is_owner(image) or bool(self.identity and self.identity.is_admin)

    def _not_owned(self, image: Image) -> str:
        return "" if self.may_change(image) else "not owned"

    # -- the keys ------------------------------------------------------------------

    def action_delete(self) -> None:
        marked = self.image_list.marked
        if not marked:
            super().action_delete()
            return

        async def delete(image: Image) -> str:
            await self.deck.store.delete_image(image.id)
            self.image_list.remove_image(image.id)
            return ""

        self.offer(
            marked,
            BulkAction(
                "Delete",
                "deleted",
                "These images and their data will be deleted. This cannot be undone.",
                lambda i: self._not_owned(i) or ("protected" if i.protected else ""),
                lambda image, _: delete(image),
            ),
        )

    def action_toggle_protected(self) -> None:
        marked = self.image_list.marked
        if not marked:
            super().action_toggle_protected()
            return
        wanted = not all(i.protected for i in marked if self.may_change(i))
        word = "protected" if wanted else "unprotected"

        async def protect(image: Image) -> str:
            await self.deck.store.update_image(image.id, [Change.replace("protected", wanted)])
            return ""

        self.offer(
            marked,
            BulkAction(
                "Protect" if wanted else "Unprotect",
                word,
                "Protected images cannot be deleted." if wanted else "Unprotected images can be deleted.",
                lambda i: self._not_owned(i) or (f"already {word}" if i.protected == wanted else ""),
                lambda image, _: protect(image),
            ),
        )

    def action_members(self) -> None:
        marked = self.image_list.marked
        if not marked:
            super().action_members()
            return

        async def share(image: Image, member: str) -> str:
            store = self.deck.store
            if image.visibility == Visibility.PRIVATE:
                await store.update_image(image.id, [Change.replace("visibility", str(Visibility.SHARED))])
            await store.add_member(image.id, member)
            return ""

        def unshareable(image: Image) -> str:
            shareable = image.visibility in (Visibility.PRIVATE, Visibility.SHARED)
            return self._not_owned(image) or ("" if shareable else str(image.visibility))

        self.offer(
            marked,
            BulkAction(
                "Share",
                "shared",
                "Share with one project: private images become shared first; "
                "the project sees each as a pending share.",
                unshareable,
                share,
                BulkField("Project", "", project, "name or id"),
                self.deck.store.resolve_project,
            ),
        )

    def action_download(self) -> None:
        marked = self.image_list.marked
        if not marked:
            super().action_download()
            return
        names: set[str] = set()

        async def download(image: Image, into: str) -> str:
            name = default_file_name(image)
            if name in names:  # two images of one name: the second one by its id
                name = safe_file_name(image.id, image.id, image.disk_format or "img")
            path = Path(into) / name
            if path.exists():
                return "existing file"
            names.add(name)
            self.deck.jobs.start_download(image, path)
            return ""

        self.offer(
            marked,
            BulkAction(
                "Download",
                "downloading",
                "Each image becomes a file named after it in this directory, verified as it "
                "downloads; existing files are left alone.",
                lambda i: "" if i.status == ImageStatus.ACTIVE else str(i.status),
                download,
                BulkField("Into directory", str(self.download_dir()), directory),
            ),
        )

    def action_toggle_deactivated(self) -> None:
        """``D``: deactivate an active image, reactivate a deactivated one; marked ones together."""
        marked = self.image_list.marked
        if not marked:
            self._toggle_one()
            return
        wanted = (
            ImageStatus.DEACTIVATED
            if any(i.status == ImageStatus.ACTIVE for i in marked if self.may_change(i))
            else ImageStatus.ACTIVE
        )
        deactivate = wanted == ImageStatus.DEACTIVATED
        before = ImageStatus.ACTIVE if deactivate else ImageStatus.DEACTIVATED

        async def toggle(image: Image) -> str:
            store = self.deck.store
            await (store.deactivate(image.id) if deactivate else store.reactivate(image.id))
            return ""

        self.offer(
            marked,
            BulkAction(
                "Deactivate" if deactivate else "Reactivate",
                "deactivated" if deactivate else "reactivated",
                "A deactivated image keeps its data, but nobody but an admin can download it "
                "or boot from it until it is reactivated.",
                lambda i: self._not_owned(i) or ("" if i.status == before else str(i.status)),
                lambda image, _: toggle(image),
            ),
        )

    def _toggle_one(self) -> None:
        image = self.owned_image("main.deactivate")
        if image is None:
            return
        store = self.deck.store
        if image.status == ImageStatus.ACTIVE:
            self.run_store_call(f"Deactivated {image.label}", lambda: store.deactivate(image.id))
        elif image.status == ImageStatus.DEACTIVATED:
            self.run_store_call(f"Reactivated {image.label}", lambda: store.reactivate(image.id))
        else:
            self.notify(
                f"'{image.label}' is {image.status}: only an active image can be deactivated.",
                title="Deactivate",
                severity="warning",
            )

    # -- confirming and carrying out -------------------------------------------------

    def offer(self, marked: list[Image], action: BulkAction) -> None:
        """Ask once, listing every marked image; then act in a worker."""
        reasons = [(image, action.skip(image)) for image in marked]
        act = [image for image, why in reasons if not why]
        skipped = [(image, why) for image, why in reasons if why]
        if not act:
            kinds = Counter(why for _, why in skipped)
            why = ", ".join(f"{count} {reason}" for reason, count in kinds.items())
            self.notify(f"Nothing to {action.title.lower()}: {why}", title=action.title, severity="warning")
            return
        count = f"{len(act)} image{'s' if len(act) != 1 else ''}"
        note = action.note + (f" {len(skipped)} will be skipped." if skipped else "")

        def answered(value: str | None) -> None:
            if value is not None:
                self.run_worker(
                    self.carry_out(action, act, skipped, value),
                    name=action.title,
                    group="bulk",
                    exit_on_error=False,
                )

        rows = [(image.label, why) for image, why in reasons]
        dialog = BulkDialog(f"{action.title} {count}", rows, note, action.title, action.field)
        self.app.push_screen(dialog, answered)

    async def carry_out(
        self, action: BulkAction, act: list[Image], skipped: list[tuple[Image, str]], value: str
    ) -> Outcome:
        """Each image on its own: a failure is noted and the next one goes on."""
        outcome = Outcome(action.past, skipped=list(skipped))
        try:
            value = await action.prepare(value) if action.prepare else value
        except Exception as exc:  # noqa: BLE001 -- an unknown project, say: one message, nothing done
            self.notify(describe_error(exc), title=action.title, severity="error")
            return outcome
        for image in act:
            try:
                why = await action.run(image, value)
            except Exception as exc:  # noqa: BLE001 -- one image failing does not stop the others
                outcome.failed.append((image, describe_error(exc)))
                continue
            if why:
                outcome.skipped.append((image, why))
            else:
                outcome.done.append(image)
        self.image_list.set_marks(outcome.left)
        self.notify(
            outcome.summary(),
            title=action.title,
            severity="warning" if outcome.failed else "information",
            timeout=8,
        )
        self.load_images(keep_rows=True)
        return outcome

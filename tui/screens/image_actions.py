"""What the main screen's keys do to images: edit, protect, share, delete, and start transfers."""

from __future__ import annotations

from pathlib import Path

from ..dialogs import (
    ConfirmDialog,
    ConvertDialog,
    CopyDialog,
    Destination,
    DownloadDialog,
    EditImageDialog,
    ImportRequest,
    ImportUrlDialog,
    MembersDialog,
    MembersResult,
    UploadDialog,
    UploadRequest,
    VisibilityDialog,
)
from ..dialogs.convert import ConvertRequest, output_path
from ..dialogs.copy import CopyRequest
from ..formats.names import OUTPUT_FORMATS
from ..model import Change, Image, Visibility
from ..stores.targets import cloud_target, local_target
from .permissions import Permissions


class ImageActions(Permissions):
    """One method per key; the permission checks come first, store calls run in workers."""

    def download_dir(self) -> Path:
        """Where downloads and converted files land unless a path says otherwise."""
        return Path.cwd()

    def action_copy_id(self) -> None:
        image = self.selected_image()  # the detail pane copies its own fields with y
        if image is None:
            return
        self.app.copy_to_clipboard(image.id)
        self.notify(f"Copied id {image.id}", timeout=3)

    def action_toggle_protected(self) -> None:
        image = self.owned_image("main.protect")
        if image is None:
            return
        wanted = not image.protected
        change = [Change.replace("protected", wanted)]
        self.run_store_call(
            f"{'Protected' if wanted else 'Unprotected'} {image.label}",
            lambda: self.deck.store.update_image(image.id, change),
        )

    def action_delete(self) -> None:
        image = self.owned_image("main.delete")
        if image is None:
            return
        if image.protected:
            self.notify(
                f"'{image.label}' is protected, so it cannot be deleted. "
                "Press p to unprotect it first if you really mean to delete it.",
                title="Protected",
                severity="warning",
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_store_call(f"Deleted {image.label}", lambda: self._delete(image))

        self.app.push_screen(
            ConfirmDialog(
                "Delete image", f"Delete '{image.label}' ({image.id}) and its data? This cannot be undone."
            ),
            answered,
        )

    async def _delete(self, image: Image) -> None:
        await self.deck.store.delete_image(image.id)
        self.image_list.remove_image(image.id)

    def action_edit(self) -> None:
        image = self.owned_image("main.edit")
        if image is None:
            return

        async def open_dialog() -> None:
            schema = await self.image_schema()

            async def apply(changes: list[Change]) -> None:
                await self.deck.store.update_image(image.id, changes)

            def done(changes: list[Change] | None) -> None:
                if changes:
                    self.notify(f"Updated {image.label}", timeout=3)
                    self.load_images(keep_rows=True)

            self.app.push_screen(EditImageDialog(image, schema, apply=apply), done)

        self.run_worker(open_dialog(), group="dialog", exit_on_error=False)

    def action_visibility(self) -> None:
        image = self.owned_image("main.visibility")
        if image is None:
            return
        admin = bool(self.identity and self.identity.is_admin)
        allowed = [v for v in Visibility if v != Visibility.PUBLIC or admin]

        def chosen(value: str | None) -> None:
            if value and value != image.visibility:
                change = [Change.replace("visibility", value)]
                self.run_store_call(
                    f"{image.label} is now {value}", lambda: self.deck.store.update_image(image.id, change)
                )

        self.app.push_screen(VisibilityDialog(image.visibility, [str(v) for v in allowed]), chosen)

    def action_members(self) -> None:
        image = self.owned_image("main.members")
        if image is None:
            return
        if image.visibility != Visibility.SHARED:
            self.notify(
                f"'{image.label}' is {image.visibility}: members apply only to shared images. "
                "Press v to make it shared first.",
                title="Members",
                severity="warning",
            )
            return

        async def open_dialog() -> None:
            members = await self.deck.store.list_members(image.id)

            def done(result: MembersResult | None) -> None:
                if result is not None and not result.empty:
                    self.run_store_call(
                        f"Members of {image.label} updated", lambda: self._apply_members(image, result)
                    )

            self.app.push_screen(MembersDialog(image, members, resolve=self.deck.store.resolve_project), done)

        self.run_worker(open_dialog(), group="dialog", exit_on_error=False)

    async def _apply_members(self, image: Image, result: MembersResult) -> None:
        """Adds hold project ids the dialog has looked up already: a name the store could not
        find was refused there, before anything was shared."""
        store = self.deck.store
        for project in result.add:
            await store.add_member(image.id, project)
        for member in result.remove:
            await store.remove_member(image.id, member)
        if self.detail.image is not None and self.detail.image.id == image.id:
            self.detail.show(self.detail.image, await store.list_members(image.id))

    # -- transfers of the selected image ---------------------------------------------

    def action_download(self) -> None:
        image = self.selected_image()
        if image is None:
            return
        dialog = DownloadDialog(image, self.download_dir())

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.deck.jobs.start_download(image, path, replace=dialog.replace)

        self.app.push_screen(dialog, chosen)

    def copy_destinations(self) -> list[Destination]:
        """The local store (unless it is the one open), then every other cloud of clouds.yaml."""
        settings = self.deck.settings
        found = []
        if settings.cloud is not None:
            found.append(
                Destination(
                    local_target(settings.store_path),
                    f"this machine's local store (cache): {settings.store_path}",
                )
            )
        found += [
            Destination(cloud_target(name), f"cloud {name}")
            for name in self.deck.cloud_names()
            if name != settings.cloud
        ]
        return found

    def action_copy_image(self) -> None:
        image = self.active_image("copy")
        if image is None:
            return
        settings = self.deck.settings

        def chosen(request: CopyRequest | None) -> None:
            if request is not None:
                self.deck.jobs.start_copy(image, request.destination.target, request.name)
                self.notify(f"Copying {image.label} to {request.destination.label}", timeout=3)

        current = settings.store_path if settings.cloud is None else None
        dialog = CopyDialog(image, self.copy_destinations(), self.deck.store.label, current)
        self.app.push_screen(dialog, chosen)

    def action_convert_image(self) -> None:
        image = self.active_image("convert")
        if image is None:
            return

        def chosen(request: ConvertRequest | None) -> None:
            if request is not None:
                self.deck.jobs.start_convert(image, request.out_format, request.path, request.name)

        into_store = not self.deck.settings.read_only
        self.app.push_screen(
            ConvertDialog(image, OUTPUT_FORMATS, self.download_dir(), into_store=into_store), chosen
        )

    def convert_to_file(self, out_format: str, path_text: str = "") -> None:
        """``:convert FORMAT [PATH]``: the selected image into a file, default NAME.FORMAT here."""
        image = self.active_image("convert")
        if image is None:
            return
        try:
            path = output_path(path_text, image, out_format, self.download_dir())
        except ValueError as exc:
            self.notify(str(exc), title="Convert", severity="error")
            return
        if path.exists():
            self.notify(
                f"{path} exists; give another path, or use the palette's Convert image… to replace it",
                title="Convert",
                severity="warning",
            )
            return
        self.deck.jobs.start_convert(image, out_format, path)

    # -- new images ----------------------------------------------------------------

    def action_upload(self) -> None:
        async def open_dialog() -> None:
            schema = await self.image_schema()
            self.app.push_screen(UploadDialog(schema, Path.cwd()), self._upload_chosen)

        self.run_worker(open_dialog(), group="dialog", exit_on_error=False)

    def _upload_chosen(self, request: UploadRequest | None) -> None:
        if request is not None:
            self.deck.jobs.start_upload(request)

    def action_import_url(self) -> None:
        async def open_dialog() -> None:
            schema = await self.image_schema()
            self.app.push_screen(ImportUrlDialog(schema), self._import_chosen)

        self.run_worker(open_dialog(), group="dialog", exit_on_error=False)

    def _import_chosen(self, request: ImportRequest | None) -> None:
        if request is not None:
            self.deck.jobs.start_import(request)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CamerasConfig(AppConfig):
    name = "songnuan.cameras"
    verbose_name = _("Cameras")

    def ready(self) -> None:
        from songnuan.outreach.map_layers import MapLayer, register_layer
        from songnuan.shell import NavItem, register_nav

        register_layer(MapLayer("cameras", _("Cameras"), "cameras:camera_map_data",
                                "cameras/layer.js", "cameras.view_camera"))

        register_nav(
            NavItem(_("Camera candidates"), "cameras:queue", "cameras.change_detection",
                    order=105),
            NavItem(_("Cameras"), "cameras:camera_list", "cameras.view_camera", order=140),
            NavItem(_("Camera figures"), "cameras:figures", "cameras.view_camera", order=141),
        )

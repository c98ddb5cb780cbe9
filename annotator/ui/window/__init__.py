"""The main window and its shell: menus, status bar, jobs, first start, screenshots."""

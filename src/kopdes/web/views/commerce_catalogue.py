"""Gerai pages, the catalogue side: the Gerai landing page (the cooperative's stock units with
their stock value), products (search, category filter, new and edit), categories and suppliers.
Each view parses, authorises (tenant first, `cooperative_page`), calls one commerce service or
read, and renders; forms go through `handle_form`."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopdes.accounts.access import Capability
from kopdes.commerce import lists, services
from kopdes.commerce.models import Category
from kopdes.cooperatives.models import Cooperative
from kopdes.web.access import cooperative_page
from kopdes.web.errors import found_or_404
from kopdes.web.formflow import form_status, handle_form
from kopdes.web.forms import AsciiIntegerField, plain_int
from kopdes.web.views.savings import RupiahInput

GERAI = "app/<uuid:cooperative_id>/gerai/"
PAGE_SIZE = 25
QUANTITY_MAX = 1_000_000

# The selling units a product is counted in (whole numbers of them).
SELLING_UNITS = [
    ("pcs", gettext_lazy("piece (pcs)")),
    ("kg", gettext_lazy("kilogram (kg)")),
    ("liter", gettext_lazy("litre")),
    ("tabung", gettext_lazy("cylinder (tabung)")),
    ("sak", gettext_lazy("sack (sak)")),
    ("strip", gettext_lazy("strip")),
    ("botol", gettext_lazy("bottle (botol)")),
]


# --- the landing page ---------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_home(request, cooperative: Cooperative):
    """The cooperative's stock units (gerai and warehouse): products held, stock value, links."""
    caps = request.capabilities
    return render(
        request,
        "web/commerce/home.html",
        {
            "cooperative": cooperative,
            "units": lists.unit_summaries(cooperative),
            "can_stock": Capability.MANAGE_STOCK in caps,
            "can_catalogue": Capability.MANAGE_CATALOGUE in caps,
        },
    )


# --- products -----------------------------------------------------------------------------------


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name, SKU or barcode"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        queryset=Category.objects.none(),
        to_field_name="public_id",
        empty_label=gettext_lazy("All"),
    )

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = lists.categories(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_products(request, cooperative: Cooperative):
    """The catalogue: search by name, SKU or barcode (a scanner types the barcode), filter by
    category, 25 a page."""
    form = ProductFilterForm(request.GET or None, cooperative=cooperative)
    q, category = "", None
    if form.is_bound and form.is_valid():
        q, category = form.cleaned_data["q"], form.cleaned_data["category"]
    products = lists.products(cooperative, q=q, category=category)
    page = Paginator(products, PAGE_SIZE).get_page(plain_int(request.GET.get("page")) or 1)
    return render(
        request,
        "web/commerce/products.html",
        {
            "cooperative": cooperative,
            "form": form,
            "page": page,
            "query": q,
            "category": category,
            "can_manage": Capability.MANAGE_CATALOGUE in request.capabilities,
        },
        status=form_status(form),
    )


class ProductForm(forms.Form):
    sku = forms.CharField(label=gettext_lazy("SKU (item code)"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    unit = forms.ChoiceField(label=gettext_lazy("Sold per"), choices=SELLING_UNITS)
    barcode = forms.CharField(
        label=gettext_lazy("Barcode (EAN-13, optional)"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        queryset=Category.objects.none(),
        to_field_name="public_id",
        empty_label="—",
    )
    member_price = RupiahInput(label=gettext_lazy("Member price (Rp)"))
    non_member_price = RupiahInput(label=gettext_lazy("Non-member price (Rp)"))
    min_stock = AsciiIntegerField(
        label=gettext_lazy("Reorder point (stock at or below it is flagged)"),
        min_value=0,
        max_value=QUANTITY_MAX,
    )
    tracks_expiry = forms.BooleanField(
        label=gettext_lazy("Track expiry dates (medicines)"), required=False
    )
    is_active = forms.BooleanField(label=gettext_lazy("On sale"), required=False)

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = lists.categories(cooperative)  # type: ignore[attr-defined]  # ModelChoiceField
        for name in ("member_price", "non_member_price"):
            self.fields[name].widget.attrs.update({"data-rupiah": "", "autocomplete": "off"})

    def clean_barcode(self):
        return self.cleaned_data["barcode"].strip() or None


def _product_initial(product=None) -> dict:
    if product is None:
        return {"unit": "pcs", "min_stock": 0, "is_active": True}
    initial = {name: getattr(product, name) for name in ProductForm.base_fields}
    initial["category"] = product.category.public_id if product.category_id else None
    initial["barcode"] = product.barcode or ""
    return initial


def _product_page(request, cooperative, form, *, product=None, status=200):
    return render(
        request,
        "web/commerce/product_form.html",
        {"cooperative": cooperative, "form": form, "product": product},
        status=status,
    )


@cooperative_page(Capability.MANAGE_CATALOGUE)
def commerce_product_new(request, cooperative: Cooperative):
    form = ProductForm(request.POST or None, initial=_product_initial(), cooperative=cooperative)
    return handle_form(
        request,
        form,
        save=lambda data: services.product_create(
            actor=request.user, cooperative=cooperative, **data
        ),
        message=lambda product: _("Product %(name)s added.") % {"name": product.name},
        success=reverse("web:commerce_products", args=[cooperative.public_id]),
        page=lambda status: _product_page(request, cooperative, form, status=status),
    )


@cooperative_page(Capability.MANAGE_CATALOGUE)
def commerce_product_edit(request, cooperative: Cooperative, item_id):
    product = found_or_404(lists.product, cooperative=cooperative, public_id=item_id)
    form = ProductForm(
        request.POST or None, initial=_product_initial(product), cooperative=cooperative
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.product_update(actor=request.user, product=product, **data),
        message=_("Product %(name)s saved.") % {"name": product.name},
        success=reverse("web:commerce_products", args=[cooperative.public_id]),
        page=lambda status: _product_page(
            request, cooperative, form, product=product, status=status
        ),
    )


# --- categories ---------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("New category"), max_length=100)


@cooperative_page(Capability.VIEW_COMMERCE, write=Capability.MANAGE_CATALOGUE)
def commerce_categories(request, cooperative: Cooperative):
    """The categories with how many products each holds; a new one added on the same page."""
    form = CategoryForm(request.POST or None)
    return handle_form(
        request,
        form,
        save=lambda data: services.category_create(
            actor=request.user, cooperative=cooperative, name=data["name"]
        ),
        message=lambda category: _("Category %(name)s added.") % {"name": category.name},
        success=reverse("web:commerce_categories", args=[cooperative.public_id]),
        page=lambda status: render(
            request,
            "web/commerce/categories.html",
            {
                "cooperative": cooperative,
                "form": form,
                "categories": lists.category_rows(cooperative),
                "can_manage": Capability.MANAGE_CATALOGUE in request.capabilities,
            },
            status=status,
        ),
    )


# --- suppliers ----------------------------------------------------------------------------------


@cooperative_page(Capability.VIEW_COMMERCE)
def commerce_suppliers(request, cooperative: Cooperative):
    """The suppliers, phone numbers masked."""
    return render(
        request,
        "web/commerce/suppliers.html",
        {
            "cooperative": cooperative,
            "suppliers": lists.suppliers(cooperative),
            "can_manage": Capability.MANAGE_CATALOGUE in request.capabilities,
        },
    )


class SupplierForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    phone = forms.CharField(
        label=gettext_lazy("Phone number (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address (optional)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Still buying from them"), required=False)


def _supplier_page(request, cooperative, form, *, supplier=None, status=200):
    return render(
        request,
        "web/commerce/supplier_form.html",
        {"cooperative": cooperative, "form": form, "supplier": supplier},
        status=status,
    )


@cooperative_page(Capability.MANAGE_CATALOGUE)
def commerce_supplier_new(request, cooperative: Cooperative):
    form = SupplierForm(request.POST or None, initial={"is_active": True})
    del form.fields["is_active"]
    return handle_form(
        request,
        form,
        save=lambda data: services.supplier_create(
            actor=request.user, cooperative=cooperative, **data
        ),
        message=lambda supplier: _("Supplier %(name)s added.") % {"name": supplier.name},
        success=reverse("web:commerce_suppliers", args=[cooperative.public_id]),
        page=lambda status: _supplier_page(request, cooperative, form, status=status),
    )


@cooperative_page(Capability.MANAGE_CATALOGUE)
def commerce_supplier_edit(request, cooperative: Cooperative, supplier_id):
    supplier = found_or_404(lists.supplier, cooperative=cooperative, public_id=supplier_id)
    form = SupplierForm(
        request.POST or None,
        initial={
            "name": supplier.name,
            "phone": supplier.phone,
            "address": supplier.address,
            "is_active": supplier.is_active,
        },
    )
    return handle_form(
        request,
        form,
        save=lambda data: services.supplier_update(actor=request.user, supplier=supplier, **data),
        message=_("Supplier %(name)s saved.") % {"name": supplier.name},
        success=reverse("web:commerce_suppliers", args=[cooperative.public_id]),
        page=lambda status: _supplier_page(
            request, cooperative, form, supplier=supplier, status=status
        ),
    )


urlpatterns = [
    path(GERAI, commerce_home, name="commerce_home"),
    path(GERAI + "produk/", commerce_products, name="commerce_products"),
    path(GERAI + "produk/baru/", commerce_product_new, name="commerce_product_new"),
    path(GERAI + "produk/<uuid:item_id>/", commerce_product_edit, name="commerce_product_edit"),
    path(GERAI + "kategori/", commerce_categories, name="commerce_categories"),
    path(GERAI + "pemasok/", commerce_suppliers, name="commerce_suppliers"),
    path(GERAI + "pemasok/baru/", commerce_supplier_new, name="commerce_supplier_new"),
    path(
        GERAI + "pemasok/<uuid:supplier_id>/", commerce_supplier_edit, name="commerce_supplier_edit"
    ),
]
